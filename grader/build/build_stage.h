// Build stage: Bazel builds each lab's graded suite against the staged files
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
  std::string binary;  // a private copy of the suite, readable by the case users
  std::string errors;  // the compiler's first errors when !built
};

// Builds @submission//:<id>_suite for each id in `lab_ids` from the files
// in `staged_dir`, and copies each binary into `out_dir`. Throws
// std::runtime_error if Bazel itself cannot run.
std::map<std::string, LabBuild> BuildSubmission(const std::string& root,
                                                const std::string& staged_dir,
                                                const std::vector<std::string>& lab_ids,
                                                const std::string& out_dir);

// Builds kit targets (reference suites, the case launcher) and copies each
// into `out_dir`, named after its last path part. Throws with Bazel's errors.
std::map<std::string, std::string> BuildKitTargets(const std::string& root,
                                                   const std::vector<std::string>& labels,
                                                   const std::string& out_dir);

}  // namespace labkit::build
