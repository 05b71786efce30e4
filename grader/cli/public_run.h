// Builds one lab's public tests against the student's code in labs/ and
// runs them: what `check` shows in full and `status` sums up.
#pragma once

#include <string>
#include <vector>

#include "grader/cli/catalog.h"
#include "grader/judge/gtest_results.h"

namespace labkit::cli {

struct PublicRun {
  enum class Outcome { kRan, kDoesNotCompile, kNoReport } outcome = Outcome::kRan;
  std::string compiler_errors;  // kDoesNotCompile: the compiler's first lines
  std::string last_output;      // kNoReport: the end of what the binary printed
  int exit_code = 0;            // kNoReport: how the binary ended
  std::vector<judge::CaseResult> cases;

  int passed() const;
  int points() const;
  int max_points() const;
};

PublicRun RunPublicTests(const std::string& root, const Lab& lab);

}  // namespace labkit::cli
