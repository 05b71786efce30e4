#include "grader/cli/release.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "grader/cli/catalog.h"
#include "grader/cli/process.h"

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

}  // namespace

const std::vector<std::string>& ReleasedPaths() {
  static const std::vector<std::string> kPaths = {
      "labkit",        "WORKSPACE",      ".bazelrc",       "BUILD",        ".gitignore",
      "third_party",   "labs",           "handouts",       "grader/BUILD", "grader/lab_suite.bzl",
      "grader/build",  "grader/cli",     "grader/harness", "grader/judge", "grader/mutate",
      "grader/report", "grader/run",     "grader/stage",
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
  fs::create_directory(target);
  for (const std::string& path : ReleasedPaths()) {
    fs::create_directories((target / path).parent_path());
    fs::copy(fs::path(root) / path, target / path, fs::copy_options::recursive);
  }
  fs::copy_file(fs::path(root) / "grader/release/README.md", target / "README.md");

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
