// Each lab file's precompiled prefix: the opening #include lines of the
// kit's skeleton for that file (include_prefix.h), compiled once to a .gch
// in the compile jail. It is kept in the kit's .labkit/precompiled, so the
// graders after this one start warm (a Gradescope image, a class batch),
// and it is used only while every file it was made from, the compiler and
// the flags are as they were: each is read again before the first use.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace labkit::build {

// The kept folder is replaced through two others, named with these and
// the grader's pid: those a killed grader left are its to remove.
inline constexpr const char* kArrivingPrefix = "labkit-new.";
inline constexpr const char* kLeavingPrefix = "labkit-old.";

class PrecompiledPrefixes {
 public:
  struct Prefix {
    std::vector<std::string> includes;  // the lines it stands for
    std::string header;                 // host path; its .gch beside it
  };

  // `root`: the kit; `work_dir`: a folder of the grader's own, where the
  // prefixes in use are kept for as long as it runs.
  PrecompiledPrefixes(std::string root, std::string work_dir);
  PrecompiledPrefixes(const PrecompiledPrefixes&) = delete;
  PrecompiledPrefixes& operator=(const PrecompiledPrefixes&) = delete;

  // The prefix of labs/`lab`/`file`, found or built at the first call (from
  // several threads at once, it is built once); nullptr where there is
  // none: no jail (an unjailed compile could write into it), no opening
  // includes, or they did not precompile. `headers`: the kit-relative
  // headers its compile may see.
  const Prefix* For(const std::string& lab, const std::string& file,
                    const std::vector<std::string>& headers);

  // How many prefixes this grader compiled itself (not found kept).
  int built() const { return built_; }

 private:
  struct Entry {
    std::once_flag once;
    std::unique_ptr<Prefix> prefix;
  };
  std::unique_ptr<Prefix> Make(const std::string& lab, const std::string& file,
                               const std::vector<std::string>& headers);

  std::string root_, work_dir_;
  std::mutex lock_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;  // by lab/file
  std::atomic<int> built_{0};
};

}  // namespace labkit::build
