// `labkit check NN`: build one lab from labs/ and run its public tests,
// printing the step transcript of each failing case.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "grader/cli/catalog.h"
#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"
#include "grader/judge/gtest_results.h"

namespace labkit::cli {
namespace {

// Keeps the compiler's words and drops Bazel's own chatter around them.
std::string CompilerErrors(const std::string& bazel_output) {
  std::istringstream lines(bazel_output);
  std::string line, kept;
  int count = 0;
  static const char* const kChatter[] = {"INFO:", "ERROR:", "FAILED:", "Target ", "Use --",
                                         "Loading", "Analyzing", "[", "  (cd ", "  exec env",
                                         "  /usr/"};
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

int CheckLab(const std::string& root, const std::string& lab_query) {
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab& lab = FindLab(labs, lab_query);
  const std::string target = "//labs/" + lab.id + ":public_test";
  std::cout << Bold("Lab " + lab.number + " — " + lab.title) << "\n";

  ProcessResult build = RunProcess({"bazel", "build", "--noshow_progress", target}, true);
  if (build.exit_code != 0) {
    std::cout << Red("Your code in labs/" + lab.id + "/ does not compile yet.") << " The compiler said:\n"
              << CompilerErrors(build.output);
    return kExitBuildFailed;
  }

  std::filesystem::create_directories(root + "/.labkit");
  const std::string report = root + "/.labkit/check-" + lab.id + ".json";
  std::filesystem::remove(report);
  ProcessResult run = RunProcess(
      {root + "/bazel-bin/labs/" + lab.id + "/public_test", "--gtest_output=json:" + report}, true);
  if (!std::filesystem::exists(report)) {
    std::cout << Red("The tests ended before they could report (exit status " +
                     std::to_string(run.exit_code) + ").")
              << " Code that runs outside a test case, such as a global object's\n"
              << "constructor, may have called exit() or crashed. The last thing printed was:\n"
              << run.output.substr(run.output.size() > 2000 ? run.output.size() - 2000 : 0);
    return kExitTestsFailed;
  }
  std::vector<judge::CaseResult> cases = judge::ReadGtestJson(report);

  int passed = 0, points = 0, total = 0;
  size_t width = 0;
  for (const auto& c : cases) width = std::max(width, c.name.size());
  for (const auto& c : cases) {
    total += c.points;
    if (c.passed) ++passed, points += c.points;
    std::cout << "  " << (c.passed ? Green("✓") : Red("✗")) << " " << c.name
              << std::string(width - c.name.size(), ' ') << Dim("  " + std::to_string(c.passed ? c.points : 0) + "/" + std::to_string(c.points)) << "\n";
  }
  for (const auto& c : cases) {
    if (c.passed) continue;
    std::cout << "\n" << Red("✗ " + c.name) << "\n" << c.message;
  }
  std::cout << "\n" << passed << " of " << cases.size() << " public cases pass (" << points << " of "
            << total << " points).\n";
  if (passed == static_cast<int>(cases.size())) {
    std::cout << Green("All public tests pass.") << " The grader also runs hidden tests in the same style:\n"
              << "read the pitfalls in " << lab.handout << " before you submit.\n";
    return kExitOk;
  }
  std::cout << "Edit labs/" << lab.id << "/" << lab.files.front() << " (the TODOs are numbered by step) and "
            << "read " << lab.handout << ".\n";
  return kExitTestsFailed;
}

int ListLabs(const std::string& root) {
  for (const Lab& lab : LoadCatalog(root)) {
    std::cout << Bold(lab.number) << "  " << lab.title << Dim("   " + lab.handout) << "\n";
  }
  return kExitOk;
}

}  // namespace labkit::cli
