// Reads the per-case results of a test binary from GoogleTest's JSON report
// (--gtest_output=json:FILE): each case's name, points and outcome, as the
// harness recorded them (see grader/harness/case_runner.h).
#pragma once

#include <string>
#include <vector>

namespace labkit::judge {

struct CaseResult {
  std::string name;     // "Suite.Case"
  int points = 0;       // what the case is worth; 0 if it recorded none
  bool passed = false;
  std::string verdict;  // passed, failed, timed_out, crashed, exited_early
  std::string reason;   // why it did not pass
  std::string message;  // the failure text: the case's transcript
};

// Throws std::runtime_error with a readable message if the file is missing
// or not a GoogleTest JSON report.
std::vector<CaseResult> ReadGtestJson(const std::string& path);

}  // namespace labkit::judge
