// Internal to the stage: one way of looking into a submission (a folder or
// an archive). stage.cc decides which paths to try and writes the results.
#pragma once

#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

namespace labkit::stage::internal {

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
  // Refusals noticed while opening (an archive's ../ and absolute paths).
  std::vector<std::string> opening_warnings;
};

// `folder` is an existing directory. Nothing below it is followed if it is a link.
std::unique_ptr<Source> OpenFolderSource(const std::string& folder);

// Reads the archive once, keeping only entries at (or wrapped around) one of
// `wanted` relative paths. Throws StageError for unreadable or broken archives.
std::unique_ptr<Source> OpenArchiveSource(const std::string& file,
                                          const std::vector<std::string>& wanted);

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
