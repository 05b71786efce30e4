// A submission's lab becomes the student library that each graded case's
// student process loads: the student's objects, linked exactly as Bazel
// linked the lab's reference library (the same driver, flags and call
// server objects, read from the link's params file), the student's objects
// in place of the reference's. The link runs in the compile jail (a linker
// reads student input too), a few ms after the lab's last file compiled,
// instead of one Bazel run per submission.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "grader/build/compile_jail.h"

namespace labkit::build {

// The kit's label of `lab`'s reference library, whose link the others copy.
std::string ReferenceLibraryLabel(const std::string& lab);

struct LinkRecipe {
  // The driver's arguments, paths relative to Bazel's exec root, with
  // kStudentObjectsMark where the student's objects go and kLinkOutputMark
  // (compile_jail.h) for the library.
  std::vector<std::string> arguments;
  std::vector<std::string> kit_inputs;  // the exec-root-relative files it reads
};
inline constexpr const char* kStudentObjectsMark = "{student objects}";

// Reads the params file of the link of `lab`'s reference library (one
// argument per line). Throws std::runtime_error when it is not the link of
// that reference, or has an argument this reading could not pass on as is.
LinkRecipe ParseLinkParams(const std::string& params, const std::string& lab);

class StudentLinker {
 public:
  // `keep_dir`: a folder of the grader's own, where the kit's link inputs
  // are copied for as long as it runs.
  explicit StudentLinker(std::string keep_dir) : keep_dir_(std::move(keep_dir)) {}

  // Learns a lab's link when `label` is a reference library's label and
  // `built` the library Bazel just made (a path under its exec root; its
  // params file beside it). Copies the kit's inputs away at once: another
  // grader's Bazel run may replace them. Throws std::runtime_error when
  // the link cannot be read.
  void LearnFromKit(const std::string& label, const std::string& built);

  bool Knows(const std::string& lab) const { return recipes_.count(lab) > 0; }

  // Links `objects` (host paths, in order) into `library` in the jail;
  // `scratch`: an empty folder of the grader's. Throws std::logic_error for
  // a lab it has not learned.
  CompileOutcome Link(const std::string& lab, const std::vector<std::string>& objects,
                      const std::string& scratch, const std::string& library,
                      const CompileLimits& limits) const;

 private:
  std::string keep_dir_;
  std::map<std::string, LinkRecipe> recipes_;  // by lab; inputs under keep_dir_/lab
};

}  // namespace labkit::build
