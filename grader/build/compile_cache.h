// Within one grader (a class batch), a student's file that is byte for byte
// one compiled before compiles to the same object, with the same messages:
// the untouched skeletons of labs a class has not reached, a file shared or
// submitted again. The key is the file's whole text and its kit path, never
// a hash a submission could be written to collide with. Only files that
// compiled are kept (a failure may be a time limit on a busy machine), their
// objects in a folder of the grader's own, for as long as it runs.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "grader/build/compile_jail.h"

namespace labkit::build {

class CompileCache {
 public:
  // `dir`: an empty folder of the grader's, for the objects kept.
  explicit CompileCache(std::string dir) : dir_(std::move(dir)) {}
  CompileCache(const CompileCache&) = delete;
  CompileCache& operator=(const CompileCache&) = delete;

  // The outcome of compiling `text` as `kit_path` before, its object copied
  // to `object`; nullopt if it never compiled, or the copy failed.
  std::optional<CompileOutcome> Find(const std::string& kit_path, const std::string& text,
                                     const std::string& object);
  // Keeps `outcome` and a copy of `object`, if it compiled. Safe from
  // several threads at once, as Find is.
  void Store(const std::string& kit_path, const std::string& text, const CompileOutcome& outcome,
             const std::string& object);

  size_t size();

 private:
  struct Kept {
    CompileOutcome outcome;
    std::string object;  // in dir_
  };
  std::mutex lock_;
  std::string dir_;
  std::map<std::pair<std::string, std::string>, Kept> kept_;  // (kit path, text)
};

}  // namespace labkit::build
