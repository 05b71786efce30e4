// Hints: which function a failing transcript points at, and tiers shown one
// more each time a student asks.
#include "grader/cli/hints.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "grader/cli/catalog.h"

namespace labkit::cli {
namespace {

const std::map<std::string, std::vector<std::string>> kLab = {
    {"BindInet", {"a", "b", "c"}}, {"BoundPort", {"a", "b", "c"}}, {"Bind", {"x"}}};

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  return std::string(tmp ? tmp : "/tmp") + "/" + name;
}

TEST(Hints, PointsAtTheFunctionOfTheFailedExpectation) {
  const std::string transcript =
      "Failed (expectation failed: BoundPort(fd)) after these steps:\n"
      "  1. BindInet(fd, \"127.0.0.1\", 0) -> ok: done\n"
      "  >>> BoundPort(fd)\n        expected: 5\n";
  EXPECT_EQ(FunctionBehind(transcript, kLab), "BoundPort");
}

TEST(Hints, ElsePointsAtTheLastFunctionCalledBeforeTheFailure) {
  const std::string transcript =
      "  1. BoundPort(fd) -> 3\n  2. BindInet(fd, \"::1\", 0) -> ok: done\n"
      "  >>> getsockname(fd)\n        expected: ...\n  3. BoundPort(later)\n";
  EXPECT_EQ(FunctionBehind(transcript, kLab), "BindInet");
  EXPECT_EQ(FunctionBehind("  >>> socket(fd)\n", kLab), "");
}

TEST(Hints, ShowsOneMoreTierEachTimeUpToTheLast) {
  const std::string path = TempPath("hint-progress.json");
  std::filesystem::remove(path);
  {
    HintProgress progress(path);
    EXPECT_EQ(progress.Next("02_bind/BindInet", 3), 1);
    EXPECT_EQ(progress.Next("02_bind/BindInet", 3), 2);
  }
  HintProgress again(path);  // remembered between runs
  EXPECT_EQ(again.Next("02_bind/BindInet", 3), 3);
  EXPECT_EQ(again.Next("02_bind/BindInet", 3), 3);
  EXPECT_EQ(again.Next("02_bind/BoundPort", 3), 1);
  again.Reset("02_bind/BindInet");
  EXPECT_EQ(again.Next("02_bind/BindInet", 3), 1);
}

TEST(Hints, LoadsTiersAndRejectsABrokenFile) {
  const std::string path = TempPath("hints.json");
  std::ofstream(path) << R"({"OpenSocket": ["one", "two", "three"]})";
  EXPECT_EQ(LoadHints(path).at("OpenSocket").size(), 3u);
  std::ofstream(path) << "{ not json";
  EXPECT_THROW(LoadHints(path), UserError);
  EXPECT_THROW(LoadHints(TempPath("missing.json")), UserError);
}

}  // namespace
}  // namespace labkit::cli
