// Builds one lab's tests against the student's code in labs/ and runs them:
// the public tests, which `check` shows in full and `status` sums up, and,
// in a tree that has them, the graded suite (public + hidden) the grader runs.
#pragma once

#include <string>
#include <vector>

#include "grader/cli/catalog.h"
#include "grader/judge/gtest_results.h"

namespace labkit::cli {

struct PublicRun {
  enum class Outcome {
    kRan,
    kDoesNotCompile,   // the student's files do not compile
    kKitDoesNotBuild,  // the build failed elsewhere: the kit's fault, not the student's
    kNoReport,
  } outcome = Outcome::kRan;
  std::string compiler_errors;  // either build failure: the compiler's first lines
  std::string compiler_warnings;  // about the student's files (-Wall -Wextra), if any
  std::string last_output;      // kNoReport: the end of what the binary printed
  int exit_code = 0;            // kNoReport: how the binary ended
  std::vector<judge::CaseResult> cases;

  int passed() const;
  int points() const;
  int max_points() const;
};

PublicRun RunPublicTests(const std::string& root, const Lab& lab);

// The exit code of a run without case results (check's and hint's): whose
// build failed (exit_codes.h).
int ExitCodeOf(const PublicRun& run);

// The compiler's first lines in a failed Bazel build's output, without
// Bazel's own chatter around them (check's and run's compile errors).
std::string CompilerErrors(const std::string& bazel_output);

// The names (Suite.Case) of the lab's public cases, read from its
// public_test.cc: the cases every student has.
std::vector<std::string> PublicCaseNames(const std::string& root, const Lab& lab);

// Whether this tree has the lab's hidden tests (the kit does; a student
// release does not).
bool HasHiddenTests(const std::string& root, const Lab& lab);

// The graded suite on the student's code, each case split in two processes
// as under the grader, but not jailed: it is the student's own code.
PublicRun RunGradedTests(const std::string& root, const Lab& lab);

}  // namespace labkit::cli
