#include "grader/cli/release.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "grader/cli/catalog.h"
#include "grader/cli/process.h"
#include "grader/files/whole_file.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// Shorter lines are idioms any socket code holds ("socklen_t length =
// sizeof address;", "return SysResult<int>::FromErrno();").
constexpr size_t kSecretLineLength = 40;

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  return begin == std::string::npos ? "" : s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

// Every source-like file under `dir` (or `dir` itself).
std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_regular_file(dir)) return {dir};
  if (!fs::is_directory(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

std::set<std::string> MeaningfulLines(const fs::path& file) {
  std::set<std::string> lines;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    std::string trimmed = Trim(line);
    // A patch's added or removed line is the code it carries.
    if (file.extension() == ".patch" && !trimmed.empty() && (trimmed[0] == '+' || trimmed[0] == '-')) {
      if (trimmed.rfind("+++", 0) == 0 || trimmed.rfind("---", 0) == 0) continue;
      trimmed = Trim(trimmed.substr(1));
    }
    if (trimmed.size() >= kSecretLineLength && trimmed.rfind("#include", 0) != 0) {
      lines.insert(trimmed);
    }
  }
  return lines;
}

// A step id of the workflow: "lab-06-send-recv". The reporter reads each
// step's result from the variable ID_RESULTS, upper-cased.
std::string StepId(const Lab& lab) {
  std::string id = "lab-" + lab.id;
  std::replace(id.begin(), id.end(), '_', '-');
  return id;
}

// A YAML scalar in double quotes (JSON's string syntax is YAML's too).
std::string Quoted(const std::string& text) { return nlohmann::json(text).dump(); }

}  // namespace

CasePoints PointsOfCases(const std::string& text, const std::string& path) {
  static const std::regex kTest(R"(\bTEST\()"), kPoints(R"(^\{[^}]*\.points\s*=\s*(\d+))");
  const auto tests = std::distance(std::sregex_iterator(text.begin(), text.end(), kTest),
                                   std::sregex_iterator());
  CasePoints found;
  for (size_t at = text.find("RunCase("); at != std::string::npos; at = text.find("RunCase(", at + 1)) {
    const std::string options = text.substr(at + 8, 200);
    if (options.empty() || options[0] != '{') continue;
    std::smatch match;
    found.points += std::regex_search(options, match, kPoints) ? std::stoi(match[1].str()) : 1;
    ++found.cases;
  }
  if (found.cases != tests) {
    throw std::runtime_error(path + " has " + std::to_string(tests) + " TEST cases but " +
                             std::to_string(found.cases) + " RunCase({...}): cannot read its points");
  }
  return found;
}

int PublicPoints(const std::string& root, const Lab& lab) {
  const std::string path = root + "/labs/" + lab.id + "/public_test.cc";
  return PointsOfCases(files::ReadWholeFileOrThrow(path), path).points;
}

std::string ClassroomWorkflow(const std::string& root) {
  std::ostringstream out;
  out << "# GitHub Classroom autograding, written by `./labkit release` from labs/labs.json.\n"
         "# One graded step per lab: `./labkit check NN` exits 0 only when every public\n"
         "# case of the lab passes, and the step is then worth the lab's public points\n"
         "# (the points `./labkit check NN` and `./labkit grade` show). The runner's user\n"
         "# is not root, and ./labkit installs its Debian packages only as root, so the\n"
         "# kit runs under sudo, which needs no password on GitHub's runners.\n"
         "name: Autograding Tests\n"
         "'on':\n- push\n- workflow_dispatch\n- repository_dispatch\n"
         "permissions:\n  checks: write\n  actions: read\n  contents: read\n"
         "jobs:\n"
         "  run-autograding-tests:\n"
         "    runs-on: ubuntu-24.04\n"  // its bazel-bootstrap is 4.2.3, as the kit needs
         "    if: github.actor != 'github-classroom[bot]'\n"
         "    steps:\n"
         "    - name: Checkout code\n"
         "      uses: actions/checkout@v4\n"
         "    - name: Install the kit's packages and build its command line\n"
         "      run: sudo ./labkit list\n";
  const std::vector<Lab> labs = LoadCatalog(root);
  std::string runners, results;
  for (const Lab& lab : labs) {
    const std::string id = StepId(lab), name = Quoted("Lab " + lab.number + ": " + lab.title);
    out << "    - name: " << name << "\n"
        << "      id: " << id << "\n"
        << "      uses: classroom-resources/autograding-command-grader@v1\n"
        << "      with:\n"
        << "        test-name: " << name << "\n"
        << "        command: sudo ./labkit check " << lab.number << "\n"
        << "        timeout: 10\n"  // minutes; the first lab also builds GoogleTest
        << "        max-score: " << PublicPoints(root, lab) << "\n";
    std::string variable = id + "_RESULTS";
    std::transform(variable.begin(), variable.end(), variable.begin(), ::toupper);
    results += "        " + variable + ": \"${{steps." + id + ".outputs.result}}\"\n";
    runners += (runners.empty() ? "" : ",") + id;
  }
  out << "    - name: Autograding Reporter\n"
         "      uses: classroom-resources/autograding-grading-reporter@v1\n"
         "      env:\n"
      << results << "      with:\n        runners: " << runners << "\n";
  return out.str();
}

const std::vector<std::string>& ReleasedPaths() {
  static const std::vector<std::string> kPaths = {
      "labkit",        "WORKSPACE",      ".bazelrc",       "BUILD",        ".gitignore",
      "third_party",   "labs",           "handouts",       "grader/BUILD", "grader/lab_suite.bzl",
      "grader/build",  "grader/catalog", "grader/cli",     "grader/files", "grader/grade",
      "grader/harness", "grader/judge",  "grader/mutate",  "grader/process", "grader/report",
      "grader/run",    "grader/stage",   "grader/testing",
  };
  return kPaths;
}

bool IsStudentRelease(const std::string& root) {
  return !fs::exists(root + "/solutions") && !fs::exists(root + "/grader/hidden");
}

void WriteRelease(const std::string& root, const std::string& out) {
  const fs::path target = fs::absolute(out).lexically_normal();
  if (fs::exists(target)) throw UserError(out + " already exists: give a new folder");
  if (!fs::is_directory(target.parent_path())) {
    throw UserError("there is no folder " + target.parent_path().string() + " to put " + out + " in");
  }
  if (IsStudentRelease(root)) throw UserError("this is already a student copy: release from the instructor's kit");
  const std::string workflow = ClassroomWorkflow(root);  // before any file is written
  fs::create_directory(target);
  for (const std::string& path : ReleasedPaths()) {
    fs::create_directories((target / path).parent_path());
    fs::copy(fs::path(root) / path, target / path, fs::copy_options::recursive);
  }
  fs::copy_file(fs::path(root) / "grader/release/README.md", target / "README.md");
  fs::create_directories((target / kClassroomWorkflow).parent_path());
  std::ofstream workflow_file(target / kClassroomWorkflow);
  if (!(workflow_file << workflow) || !workflow_file.flush()) {
    throw std::runtime_error("cannot write " + (target / kClassroomWorkflow).string());
  }

  // A repository of its own: one commit, none of the kit's history.
  const std::string dir = target.string();
  for (const std::vector<std::string>& git :
       {std::vector<std::string>{"git", "init", "-q", "-b", "main", dir},
        std::vector<std::string>{"git", "-C", dir, "add", "-A"},
        std::vector<std::string>{"git", "-C", dir, "-c", "user.name=labkit", "-c",
                                 "user.email=labkit@localhost", "commit", "-q", "-m",
                                 "The socket lab kit: student copy"}}) {
    ProcessResult result = RunProcess(git, true);
    if (result.exit_code != 0) {
      throw std::runtime_error("git failed writing the release: " + result.output);
    }
  }
}

std::vector<std::string> SecretLines(const std::string& root) {
  std::set<std::string> secret, shared;
  for (const char* dir : {"solutions", "grader/hidden"}) {
    for (const auto& file : FilesUnder(fs::path(root) / dir)) {
      if (file.filename() == "BUILD") continue;  // one line: graded_lab_suite(...)
      for (const auto& line : MeaningfulLines(file)) secret.insert(line);
    }
  }
  // The public tests and their harness share their idioms with the hidden
  // tests by design.
  for (const char* dir : {"labs", "grader/harness"}) {
    for (const auto& file : FilesUnder(fs::path(root) / dir)) {
      for (const auto& line : MeaningfulLines(file)) shared.insert(line);
    }
  }
  std::vector<std::string> lines;
  for (const auto& line : secret) {
    if (!shared.count(line)) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> FindLeaks(const std::string& out, const std::vector<std::string>& secrets) {
  const std::set<std::string> secret(secrets.begin(), secrets.end());
  std::vector<std::string> leaks;
  for (const auto& file : FilesUnder(out)) {
    if (file.string().find("/.git/") != std::string::npos) continue;
    std::ifstream in(file, std::ios::binary);
    for (std::string line; std::getline(in, line);) {
      if (secret.count(Trim(line))) leaks.push_back(fs::relative(file, out).string() + ": " + Trim(line));
    }
  }
  return leaks;
}

}  // namespace labkit::cli
