#include "grader/judge/gtest_results.h"

#include <fstream>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

namespace labkit::judge {

namespace {

// GoogleTest starts an ADD_FAILURE message with "file:line\nFailed\n"; the
// transcript after it is what a student reads.
std::string FailureText(std::string text) {
  for (const std::string_view line : {std::string_view(), std::string_view("Failed")}) {
    size_t end = text.find('\n');
    if (end == std::string::npos) break;
    bool location = line.empty() && text.find(':') < end;
    if (!location && text.compare(0, end, line) != 0) break;
    text.erase(0, end + 1);
  }
  return text;
}

}  // namespace

std::vector<CaseResult> ReadGtestJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("no test report at " + path);
  nlohmann::json report = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.contains("testsuites")) {
    throw std::runtime_error("not a GoogleTest JSON report: " + path);
  }
  std::vector<CaseResult> cases;
  for (const auto& suite : report["testsuites"]) {
    for (const auto& test : suite.value("testsuite", nlohmann::json::array())) {
      CaseResult c;
      c.name = suite.value("name", "?") + "." + test.value("name", "?");
      // RecordProperty values arrive as strings.
      c.points = std::stoi(test.value("points", "0"));
      c.passed = !test.contains("failures") && test.value("result", "") == "COMPLETED";
      c.verdict = test.value("verdict", c.passed ? "passed" : "failed");
      c.reason = test.value("reason", "");
      for (const auto& failure : test.value("failures", nlohmann::json::array())) {
        c.message += FailureText(failure.value("failure", ""));
      }
      cases.push_back(c);
    }
  }
  return cases;
}

}  // namespace labkit::judge
