// `labkit release OUT` writes the student copy; `labkit test` checks one
// (CheckRelease): nothing secret in it, and in it the kit builds, `check`
// fails cleanly on the skeleton, and `grade` works on the public tests.
#include <filesystem>
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"
#include "grader/cli/release.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// Runs the copy's ./labkit; bounded, as every step of the kit's own tests.
ProcessResult RunInCopy(const std::string& copy, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {copy + "/labkit"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.capture = true;
  options.cwd = copy;
  options.timeout_seconds = 1800;  // the copy's first build: GoogleTest and the kit
  return RunProcess(argv, options);
}

}  // namespace

int ReleaseKit(const std::string& root, const std::string& out) {
  WriteRelease(root, out);
  std::cout << "Wrote the student copy to " << out << " (a git repository, one commit):\n";
  for (const std::string& path : ReleasedPaths()) std::cout << "  " << path << "\n";
  std::cout << "It has no solutions, hidden tests, mutants, alternatives, samples or fixtures.\n"
               "Push it as the course's starter repository.\n";
  return kExitOk;
}

FixtureTally CheckRelease(const std::string& root) {
  FixtureTally tally;
  auto report = [&](bool ok, const std::string& what, const std::string& detail = "") {
    std::cout << "  " << (ok ? Green("✓") : Red("✗")) << " release: " << what << "\n";
    if (!ok && !detail.empty()) std::cout << detail << "\n";
    (ok ? tally.passed : tally.failed)++;
  };
  char dir_template[] = "/tmp/labkit-release.XXXXXX";
  const std::string parent = ::mkdtemp(dir_template);
  const std::string copy = parent + "/kit";
  WriteRelease(root, copy);

  const std::vector<std::string> leaks = FindLeaks(copy, SecretLines(root));
  std::string leaked;
  for (size_t i = 0; i < leaks.size() && i < 10; ++i) leaked += "    " + leaks[i] + "\n";
  report(leaks.empty(), "holds no line of a solution or a hidden test (" +
                            std::to_string(SecretLines(root).size()) + " such lines sought)",
         leaked);
  report(!fs::exists(copy + "/solutions") && !fs::exists(copy + "/grader/hidden") &&
             !fs::exists(copy + "/grader/samples") && !fs::exists(copy + "/grader/fixtures"),
         "has no solutions, hidden tests, samples or fixtures");

  const ProcessResult check = RunInCopy(copy, {"check", "01"});
  report(check.exit_code == kExitTestsFailed &&
             check.output.find("0 of ") != std::string::npos &&
             check.output.find("public cases pass") != std::string::npos,
         "builds, and check fails cleanly on the skeleton (exit " + std::to_string(check.exit_code) + ")",
         check.output.substr(0, 3000));
  const ProcessResult grade = RunInCopy(copy, {"grade"});
  report(grade.exit_code == kExitTestsFailed &&
             grade.output.find("hidden tests are not in this copy") != std::string::npos,
         "grade grades the public tests and says the hidden ones are not here (exit " +
             std::to_string(grade.exit_code) + ")",
         grade.output.substr(0, 3000));
  const ProcessResult test = RunInCopy(copy, {"test"});
  report(test.exit_code == kExitUsage, "test says in one line that the kit's own tests are not here",
         test.output.substr(0, 1000));

  // The copy's Bazel server and output tree are big: gone with the copy.
  ProcessOptions quiet;
  quiet.capture = true;
  quiet.cwd = copy;
  quiet.timeout_seconds = 300;
  RunProcess({"bazel", "clean", "--expunge"}, quiet);
  fs::remove_all(parent);
  return tally;
}

}  // namespace labkit::cli
