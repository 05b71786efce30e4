#include "grader/cli/public_run.h"

#include <filesystem>
#include <sstream>

#include "grader/cli/process.h"

namespace labkit::cli {
namespace {

// Keeps the compiler's words and drops Bazel's own chatter around them.
std::string CompilerErrors(const std::string& bazel_output) {
  static const char* const kChatter[] = {"INFO:", "ERROR:", "FAILED:", "Target ", "Use --",
                                         "Loading", "Analyzing", "[", "  (cd ", "  exec env",
                                         "  /usr/"};
  std::istringstream lines(bazel_output);
  std::string line, kept;
  int count = 0;
  while (std::getline(lines, line) && count < 40) {
    bool chatter = line.rfind("    ", 0) == 0 && line.find('=') != std::string::npos;  // env
    for (const char* prefix : kChatter) chatter = chatter || line.rfind(prefix, 0) == 0;
    if (chatter) continue;
    kept += "  " + line + "\n";
    ++count;
  }
  return kept;
}

}  // namespace

int PublicRun::passed() const {
  int n = 0;
  for (const auto& c : cases) n += c.passed;
  return n;
}

int PublicRun::points() const {
  int n = 0;
  for (const auto& c : cases) n += c.passed ? c.points : 0;
  return n;
}

int PublicRun::max_points() const {
  int n = 0;
  for (const auto& c : cases) n += c.points;
  return n;
}

PublicRun RunPublicTests(const std::string& root, const Lab& lab) {
  PublicRun run;
  ProcessResult build = RunProcess(
      {"bazel", "build", "--noshow_progress", "//labs/" + lab.id + ":public_test"}, true);
  if (build.exit_code != 0) {
    run.outcome = PublicRun::Outcome::kDoesNotCompile;
    run.compiler_errors = CompilerErrors(build.output);
    return run;
  }
  std::filesystem::create_directories(root + "/.labkit");
  const std::string report = root + "/.labkit/check-" + lab.id + ".json";
  std::filesystem::remove(report);
  ProcessResult tests = RunProcess(
      {root + "/bazel-bin/labs/" + lab.id + "/public_test", "--gtest_output=json:" + report}, true);
  if (!std::filesystem::exists(report)) {
    run.outcome = PublicRun::Outcome::kNoReport;
    run.exit_code = tests.exit_code;
    const std::string& out = tests.output;
    run.last_output = out.substr(out.size() > 2000 ? out.size() - 2000 : 0);
    return run;
  }
  run.cases = judge::ReadGtestJson(report);
  return run;
}

}  // namespace labkit::cli
