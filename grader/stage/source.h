// Internal to the stage: one way of looking into a submission (a folder or
// an archive). stage.cc decides which paths to try and writes the results.
#pragma once

#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grader/stage/stage.h"

namespace labkit::stage::internal {

// What a submission may be, for messages refusing anything else.
inline constexpr char kAccepted[] = "a folder or a .zip, .tar or .tar.gz (.tgz) archive";

// Loose source files considered for "did you mean"; the folder entries read
// to find them, at most.
inline constexpr size_t kMaxLooseSources = 32;
inline constexpr size_t kMaxLooseListing = 1000;
bool IsSourceName(const std::string& name);

// StageLimits applied to one submission, its clock started on construction.
class Budget {
 public:
  Budget(const StageLimits& limits, std::string submission);
  // Why staging must stop, given `bytes` read so far; empty within the
  // limits. Never throws: libarchive's callbacks use it.
  std::string Over(long long bytes) const;
  // Throws StageError when Over(bytes) says so.
  void Check(long long bytes = 0) const;
  // One more entry read or path examined; throws StageError past the limit.
  void CountEntry();

 private:
  StageLimits limits_;
  std::string submission_;
  std::chrono::steady_clock::time_point start_;
  long long entries_ = 0;
};

// What one path inside the submission holds.
struct Lookup {
  enum class Kind { kAbsent, kRefused, kFound };
  Kind kind = Kind::kAbsent;
  std::string name;      // the path as the submission spells it (with any wrapper folder)
  std::string refused;   // kRefused: the entry refused (the file, or a linked folder above it)
  std::string reason;    // kRefused: why, e.g. "it is a symbolic link; ..."
  std::string contents;  // kFound: the file's bytes
};

class Source {
 public:
  virtual ~Source() = default;
  // `relative` is "labs/<id>/<file>" or "<id>/<file>".
  virtual Lookup Find(const std::string& relative) = 0;
  // The C++ source files (.cc, .cpp, .cxx, any case) at the top of the
  // submission (below its one wrapper folder, in an archive), at most
  // kMaxLooseSources of them, for a lab file named almost right. Find() looks
  // each up by its name.
  virtual std::vector<std::string> LooseSources() = 0;
  // Refusals noticed while opening (an archive's ../ and absolute paths).
  std::vector<std::string> opening_warnings;
};

// `folder` is an existing directory. Nothing below it is followed if it is a
// link. Each path step of a lookup counts against `budget`, which must
// outlive the source.
std::unique_ptr<Source> OpenFolderSource(const std::string& folder, Budget& budget);

// Reads the archive once, keeping only entries at (or wrapped around) one of
// `wanted` relative paths. Throws StageError for unreadable, broken or
// refused archives, and when `budget` runs out.
std::unique_ptr<Source> OpenArchiveSource(const std::string& file,
                                          const std::vector<std::string>& wanted, Budget& budget);

// Shared refusal reasons, so folders and archives word them the same way.
inline constexpr char kLinkReason[] = "it is a symbolic link; the grader never follows links";
std::string OversizedReason(long long bytes);  // bytes < 0: size unknown, over the limit

// Owns a file descriptor; closes it once.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.fd_;
      other.fd_ = -1;
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_;
};

}  // namespace labkit::stage::internal
