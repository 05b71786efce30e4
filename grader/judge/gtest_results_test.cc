// The judge reads GoogleTest's JSON report: points, verdicts and the
// transcript come from what the harness recorded.
#include "grader/judge/gtest_results.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace labkit::judge {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(GtestResults, ReadsPointsVerdictsAndTranscripts) {
  std::string path = WriteTemp("report.json", R"({"testsuites": [{"name": "Bind", "testsuite": [
    {"name": "Passes", "result": "COMPLETED", "points": "2", "verdict": "passed"},
    {"name": "Fails", "result": "COMPLETED", "points": "3", "verdict": "crashed",
     "reason": "killed by SIGSEGV",
     "failures": [{"failure": "grader/harness/case_runner.cc:12\nFailed\nFailed (killed) after these steps:\n  1. x\n"}]}
  ]}]})");
  std::vector<CaseResult> cases = ReadGtestJson(path);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].name, "Bind.Passes");
  EXPECT_TRUE(cases[0].passed);
  EXPECT_EQ(cases[0].points, 2);
  EXPECT_FALSE(cases[1].passed);
  EXPECT_EQ(cases[1].points, 3);
  EXPECT_EQ(cases[1].verdict, "crashed");
  EXPECT_EQ(cases[1].reason, "killed by SIGSEGV");
  EXPECT_EQ(cases[1].message, "Failed (killed) after these steps:\n  1. x\n");
}

TEST(GtestResults, ACaseWithoutPointsIsWorthNothing) {
  std::string path = WriteTemp("plain.json", R"({"testsuites": [{"name": "S", "testsuite": [
    {"name": "T", "result": "COMPLETED"}]}]})");
  std::vector<CaseResult> cases = ReadGtestJson(path);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].points, 0);
}

TEST(GtestResults, MissingOrBrokenReportsAreClearErrors) {
  EXPECT_THROW(ReadGtestJson("/nonexistent/report.json"), std::runtime_error);
  std::string path = WriteTemp("broken.json", "{\"testsuites\": [");
  try {
    ReadGtestJson(path);
    FAIL() << "a broken report was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a GoogleTest JSON report"), std::string::npos);
  }
}

}  // namespace
}  // namespace labkit::judge
