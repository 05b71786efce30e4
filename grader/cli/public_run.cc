#include "grader/cli/public_run.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "grader/cli/exit_codes.h"
#include "grader/cli/process.h"
#include "grader/files/whole_file.h"

namespace labkit::cli {
namespace {

// The compiler's warnings about the student's files in a build's output.
// Bazel prints them only when it compiles a file, so they are kept in
// .labkit/ and shown again for as long as the files stay unchanged.
std::string StudentWarnings(const std::string& root, const Lab& lab, const std::string& output) {
  namespace fs = std::filesystem;
  const std::string saved = root + "/.labkit/warnings-" + lab.id + ".txt";
  const std::string marker = "INFO: From Compiling labs/" + lab.id + "/";
  if (output.find(marker) != std::string::npos) {
    std::istringstream lines(output);
    std::string line, warnings, block;
    bool inside = false;
    auto keep = [&] {
      // The same file may compile twice (for a test and for a library).
      if (warnings.find(block) == std::string::npos) warnings += block;
      block.clear();
    };
    while (std::getline(lines, line)) {
      if (line.rfind("INFO: ", 0) == 0 || line.rfind("[", 0) == 0 || line.rfind("Target ", 0) == 0) {
        keep();
        inside = line.rfind(marker, 0) == 0;
      } else if (inside) {
        block += "  " + line + "\n";
      }
    }
    keep();
    fs::create_directories(root + "/.labkit");
    std::ofstream(saved) << warnings;
    return warnings;
  }
  std::error_code error;
  const auto saved_time = fs::last_write_time(saved, error);
  if (error) return "";
  for (const std::string& file : lab.files) {
    if (fs::last_write_time(root + "/labs/" + lab.id + "/" + file, error) > saved_time || error) {
      fs::remove(saved, error);  // compiled since, without a word
      return "";
    }
  }
  return files::ReadWholeFileOrEmpty(saved);
}

// Builds `targets`, then runs `binary` (under bazel-bin) with `env`.
PublicRun BuildAndRun(const std::string& root, const Lab& lab,
                      const std::vector<std::string>& targets, const std::string& binary,
                      const std::vector<std::string>& env, const std::string& report_name) {
  PublicRun run;
  std::vector<std::string> build_command = {"bazel", "build", "--noshow_progress"};
  build_command.insert(build_command.end(), targets.begin(), targets.end());
  ProcessResult build = RunProcess(build_command, true);
  if (build.exit_code != 0) {
    run.outcome = PublicRun::Outcome::kKitDoesNotBuild;
    for (const std::string& file : lab.files) {
      if (build.output.find("labs/" + lab.id + "/" + file + ":") != std::string::npos) {
        run.outcome = PublicRun::Outcome::kDoesNotCompile;
      }
    }
    run.compiler_errors = CompilerErrors(build.output);
    return run;
  }
  run.compiler_warnings = StudentWarnings(root, lab, build.output);
  std::filesystem::create_directories(root + "/.labkit");
  const std::string report = root + "/.labkit/" + report_name + ".json";
  std::filesystem::remove(report);
  ProcessOptions options;
  options.capture = true;
  options.env = env;
  ProcessResult tests =
      RunProcess({root + "/bazel-bin/" + binary, "--gtest_output=json:" + report}, options);
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

}  // namespace

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

PublicRun RunPublicTests(const std::string& root, const Lab& lab) {
  return BuildAndRun(root, lab, {"//labs/" + lab.id + ":public_test"},
                     "labs/" + lab.id + "/public_test", {}, "check-" + lab.id);
}

std::vector<std::string> PublicCaseNames(const std::string& root, const Lab& lab) {
  static const std::regex kTest(R"(\bTEST\((\w+),\s*(\w+)\))");
  const std::string text = files::ReadWholeFileOrEmpty(root + "/labs/" + lab.id + "/public_test.cc");
  std::vector<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kTest); it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[1].str() + "." + (*it)[2].str());
  }
  return names;
}

bool HasHiddenTests(const std::string& root, const Lab& lab) {
  return std::filesystem::exists(root + "/grader/hidden/" + lab.id + "/BUILD");
}

PublicRun RunGradedTests(const std::string& root, const Lab& lab) {
  // skeleton_student.so is built from labs/NN: the student's code as it is.
  const std::string package = "grader/hidden/" + lab.id;
  return BuildAndRun(root, lab, {"//" + package + ":graded_tests", "//" + package + ":skeleton_student.so"},
                     package + "/graded_tests",
                     {"LABKIT_STUDENT_LIBRARY=" + root + "/bazel-bin/" + package + "/skeleton_student.so"},
                     "graded-" + lab.id);
}

int ExitCodeOf(const PublicRun& run) {
  switch (run.outcome) {
    case PublicRun::Outcome::kDoesNotCompile: return kExitStudentCodeDoesNotCompile;
    case PublicRun::Outcome::kKitDoesNotBuild: return kExitBuildFailed;
    default: return kExitTestsFailed;
  }
}

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

}  // namespace labkit::cli
