#include "grader/maintainer/fixture_graders.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "grader/files/whole_file.h"
#include "grader/maintainer/fixture_submissions.h"
#include "grader/maintainer/kit_checks.h"
#include "grader/run/proc_table.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Everything still a child of this process came from a grader it killed
// (orphans come here: this process is a child subreaper, and runs no case
// of its own now). Killed and reaped, round after round, as their own
// children are orphaned in turn.
void KillAndReapOrphans() {
  for (int round = 0; round < 100; ++round) {
    std::vector<pid_t> children;
    for (const run::ProcessEntry& process : run::ProcessTable()) {
      if (process.parent == ::getpid()) children.push_back(process.pid);
    }
    if (children.empty()) return;
    for (pid_t child : children) ::kill(child, SIGKILL);
    for (pid_t child : children) ::waitpid(child, nullptr, 0);
  }
}

// Starts `labkit grade --class` on `class_dir`; kills it with SIGKILL once
// it reports its first graded submission (or ends). Never waits unbounded.
void RunBatchAndKillIt(const std::string& class_dir, const std::string& gradebook) {
  int output[2];
  if (::pipe(output) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(output[1], STDOUT_FILENO);
    ::close(output[0]);
    ::execl(LabkitProgram().c_str(), "labkit", "grade", "--class", class_dir.c_str(), "--out",
            gradebook.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(output[1]);
  std::string seen;
  char buffer[512];
  pollfd ready{output[0], POLLIN, 0};
  while (seen.find("[1/") == std::string::npos && ::poll(&ready, 1, 120000) > 0) {
    ssize_t n = ::read(output[0], buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, n);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ::close(output[0]);
  // Its jails die with it; what they leave comes to this process to reap.
  // Its cgroups and case users are for the next grader to clean up.
  KillAndReapOrphans();
}

}  // namespace

std::vector<std::string> ResumedBatchProblems(const std::string& root,
                                              const std::vector<Lab>& labs,
                                              const std::string& dir) {
  const std::string class_dir = dir + "/class", gradebook = dir + "/gradebook.csv";
  const std::vector<std::string> names = {"ada", "brian", "chen"};
  for (const std::string& name : names) {
    for (const Lab& lab : labs) {
      fs::create_directories(class_dir + "/" + name + "/" + lab.id);
      for (const std::string& file : lab.files) {
        fs::copy_file(root + "/solutions/" + lab.id + "/" + file,
                      class_dir + "/" + name + "/" + lab.id + "/" + file);
      }
    }
  }
  RunBatchAndKillIt(class_dir, gradebook);
  std::vector<std::string> problems;
  if (!fs::exists(gradebook)) problems.push_back("the killed batch left no gradebook");
  ProcessResult again = RunProcess({LabkitProgram(), "grade", "--class", class_dir, "--out",
                                    gradebook}, true);
  if (again.exit_code != 0) problems.push_back("the restarted batch failed: " + again.output);
  std::map<std::string, int> rows;
  std::istringstream lines(files::ReadWholeFileOrThrow(gradebook));
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::string name = line.substr(0, line.find(','));
    ++rows[name];
    std::string last = line.substr(line.rfind(',') + 1);
    std::string before = line.substr(0, line.rfind(','));
    if (before.substr(before.rfind(',') + 1) != last) {
      problems.push_back(name + " did not get full marks: " + line);
    }
  }
  for (const std::string& name : names) {
    if (rows[name] != 1) {
      problems.push_back(name + " has " + std::to_string(rows[name]) + " rows in the gradebook");
    }
  }
  if (rows.size() != names.size()) problems.push_back("the gradebook has unknown rows");
  return problems;
}

std::future<ProcessResult> GradeBeside(const std::string& submission, const std::string& json) {
  return std::async(std::launch::async, [=] {
    return RunProcess({LabkitProgram(), "grade", submission, "--json", json}, true);
  });
}

std::vector<std::string> BesideProblems(const ProcessResult& run, const std::string& json_path) {
  std::ifstream in(json_path);
  const json result = json::parse(in, nullptr, false);
  if (result.is_discarded() || !result.contains("labs")) {
    return {"the grader beside it failed (exit " + std::to_string(run.exit_code) +
            "): " + run.output.substr(0, 400)};
  }
  std::vector<std::string> problems;
  for (const json& lab : result["labs"]) {
    for (const json& c : lab["cases"]) {
      if (c.value("passed", false)) continue;
      problems.push_back("beside it, the reference lost " + c.value("name", "?") + " (" +
                         c.value("status", "?") + ": " + c.value("reason", "") + ")");
    }
  }
  return problems;
}

}  // namespace labkit::cli
