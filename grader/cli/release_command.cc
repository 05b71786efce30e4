// `labkit release OUT` writes the student copy; `labkit test` checks one
// (CheckRelease): nothing secret in it, and in it the kit builds, `check`
// fails cleanly on the skeleton, `grade` works on the public tests, and each
// step of its GitHub Classroom workflow fails on the skeleton and passes on
// the reference, worth the points `check` reports.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

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

// One graded step of the Classroom workflow, as classroom_check.py read it.
struct ClassroomStep {
  std::string lab, id, command;
  int timeout_minutes = 0, max_score = 0;
};

// Parses the copy's workflow with python3-yaml and checks it against
// labs.json (grader/cli/classroom_check.py); its graded steps, or none.
std::vector<ClassroomStep> ParseClassroomWorkflow(const std::string& root, const std::string& copy,
                                                  std::string& problems) {
  ProcessOptions options;
  options.capture = true;
  options.capture_stderr = true;
  options.timeout_seconds = 60;
  // Debian's python3, where python3-yaml is (not a python3 earlier on PATH).
  const ProcessResult parse = RunProcess({"/usr/bin/python3", root + "/grader/cli/classroom_check.py",
                                          copy + "/" + kClassroomWorkflow, root + "/labs/labs.json"},
                                         options);
  std::vector<ClassroomStep> steps;
  if (parse.exit_code != 0) {
    problems = parse.output;
    return steps;
  }
  std::istringstream lines(parse.output);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    if (!row.is_object()) continue;
    steps.push_back({row.value("lab", ""), row.value("id", ""), row.value("command", ""),
                     row.value("timeout_minutes", 0), row.value("max_score", 0)});
  }
  return steps;
}

// Runs a step's command as GitHub's command grader does (`sh -c`, in the
// repository, within its timeout). The workflow says `sudo`, which GitHub's
// runners need and this machine may not have: a stand-in runs the command
// as it is when we are root, as the runner's sudo would.
ProcessResult RunClassroomStep(const std::string& copy, const std::string& bin,
                               const ClassroomStep& step) {
  ProcessOptions options;
  options.capture = true;
  options.cwd = copy;
  options.env = {"PATH=" + bin + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin")};
  options.timeout_seconds = step.timeout_minutes * 60;
  return RunProcess({"/bin/sh", "-c", step.command}, options);
}

// The points `check` reported: "... (P of Q points)." -> Q, or -1.
int ReportedMaxPoints(const std::string& output) {
  static const std::regex kPoints(R"(\((\d+) of (\d+) points\)\.)");
  std::smatch match;
  return std::regex_search(output, match, kPoints) ? std::stoi(match[2].str()) : -1;
}

// The Classroom steps on the skeleton (each must fail), then on the
// reference's lab files copied into the copy (each must pass, and be worth
// the points `check` reports for the lab).
void CheckClassroomSteps(const std::string& root, const std::string& copy,
                         const std::function<void(bool, const std::string&, const std::string&)>& report) {
  std::string problems;
  const std::vector<ClassroomStep> steps = ParseClassroomWorkflow(root, copy, problems);
  const size_t labs = LoadCatalog(root).size();
  report(problems.empty() && steps.size() == labs,
         "its GitHub Classroom workflow parses: ubuntu-24.04, one graded step per lab (" +
             std::to_string(steps.size()) + "), each with a timeout and points, all reported",
         problems);
  if (steps.empty()) return;
  const std::string bin = fs::path(copy).parent_path().string() + "/bin";
  fs::create_directories(bin);
  std::ofstream(bin + "/sudo") << "#!/bin/sh\n# The runner's passwordless sudo, for root only.\n"
                                  "[ \"$(id -u)\" = 0 ] || { echo 'run ./labkit test as root' >&2; exit 126; }\n"
                                  "exec \"$@\"\n";
  fs::permissions(bin + "/sudo", fs::perms::owner_all);

  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point start) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count()) + " s";
  };
  std::string failures;
  int failed_on_skeleton = 0;
  Clock::time_point start = Clock::now();
  for (const ClassroomStep& step : steps) {
    const ProcessResult run = RunClassroomStep(copy, bin, step);
    if (run.exit_code != 0 && !run.timed_out) {
      ++failed_on_skeleton;
    } else {
      failures += "    " + step.command + ": exit " + std::to_string(run.exit_code) +
                  (run.timed_out ? " (timed out)" : "") + "\n";
    }
  }
  report(failed_on_skeleton == static_cast<int>(steps.size()),
         "every Classroom step fails on the skeleton (" + std::to_string(failed_on_skeleton) + " of " +
             std::to_string(steps.size()) + ", " + seconds_since(start) + ")",
         failures);

  for (const Lab& lab : LoadCatalog(root)) {
    for (const std::string& file : lab.files) {
      fs::copy_file(fs::path(root) / "solutions" / lab.id / file, fs::path(copy) / "labs" / lab.id / file,
                    fs::copy_options::overwrite_existing);
    }
  }
  failures.clear();
  int passed_on_reference = 0;
  start = Clock::now();
  for (const ClassroomStep& step : steps) {
    const ProcessResult run = RunClassroomStep(copy, bin, step);
    const int reported = ReportedMaxPoints(run.output);
    if (run.exit_code == 0 && reported == step.max_score) {
      ++passed_on_reference;
    } else {
      failures += "    " + step.command + ": exit " + std::to_string(run.exit_code) + ", worth " +
                  std::to_string(step.max_score) + " points in the workflow, " + std::to_string(reported) +
                  " as check reports them\n" + run.output.substr(0, 1500) + "\n";
    }
  }
  report(passed_on_reference == static_cast<int>(steps.size()),
         "every Classroom step passes on the reference, worth the points check reports (" +
             std::to_string(passed_on_reference) + " of " + std::to_string(steps.size()) + ", " +
             seconds_since(start) + ")",
         failures);
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
  // Last: it copies the reference's lab files into the copy.
  CheckClassroomSteps(root, copy, report);

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
