// Build stage: Bazel builds each lab's student library from the staged files
// (the @submission repository, third_party/submission.bzl) with BUILD files
// the grader owns. --keep_going: a compile error in one lab costs that lab
// only. Outcomes are read from Bazel's build event stream, never inferred
// from files a previous build may have left behind.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace labkit::build {

struct LabBuild {
  bool built = false;
  std::string library;  // a private copy of the student's library, readable by the case users
  std::string errors;  // the compiler's first errors when !built
};

struct BuildOutcome {
  std::map<std::string, LabBuild> labs;    // by lab id
  std::map<std::string, std::string> kit;  // kit label -> private copy
};

// In one Bazel run (one is cheaper than two): builds
// @submission//:<id>_student.so for each id in `lab_ids` from the files in
// `staged_dir`, and the kit's own `kit_labels` (reference suites, the case
// launcher). Copies every binary into `out_dir`. Throws std::runtime_error
// if Bazel cannot run or a kit target does not build.
BuildOutcome BuildSubmission(const std::string& root, const std::string& staged_dir,
                             const std::vector<std::string>& lab_ids,
                             const std::vector<std::string>& kit_labels,
                             const std::string& out_dir);

}  // namespace labkit::build
