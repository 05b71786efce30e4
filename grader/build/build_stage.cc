#include "grader/build/build_stage.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace labkit::build {
namespace {

// A submission's lab is built as the student process's library.
constexpr const char* kLibrarySuffix = "_student.so";

namespace fs = std::filesystem;
constexpr int kErrorLinesShown = 20;

struct BazelRun {
  int exit_code = -1;
  std::string output;
  std::vector<nlohmann::json> events;
};

// Runs `bazel build` quietly in `root` with the build event stream on.
BazelRun RunBazel(const std::string& root, const std::vector<std::string>& targets,
                  const std::string& staged_dir, const std::string& work_dir) {
  std::string events_path = work_dir + "/events.XXXXXX";
  int events_fd = ::mkstemp(events_path.data());
  if (events_fd < 0) throw std::runtime_error("cannot create a temporary file in " + work_dir);
  ::close(events_fd);
  std::vector<std::string> args = {"bazel", "build", "--keep_going", "--noshow_progress",
                                   "--color=no", "--build_event_json_file=" + events_path};
  args.insert(args.end(), targets.begin(), targets.end());
  // Output goes to an unlinked file, not a pipe: a Bazel client that starts
  // a server leaves the server holding its output, and a pipe would then
  // never reach end-of-file.
  char output_template[] = "/tmp/labkit-bazel-output.XXXXXX";
  int output = ::mkstemp(output_template);
  if (output < 0) throw std::runtime_error("cannot create a temporary file");
  ::unlink(output_template);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(output, STDOUT_FILENO);
    ::dup2(output, STDERR_FILENO);
    ::close(output);
    if (::chdir(root.c_str()) != 0) ::_exit(126);
    if (!staged_dir.empty()) ::setenv("LABKIT_SUBMISSION", staged_dir.c_str(), 1);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execvp("bazel", argv.data());
    ::_exit(127);
  }
  BazelRun run;
  int status = 0;
  ::waitpid(pid, &status, 0);
  char buffer[4096];
  ::lseek(output, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(output, buffer, sizeof buffer)) > 0;) run.output.append(buffer, n);
  ::close(output);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(events_path);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_discarded()) run.events.push_back(std::move(event));
  }
  fs::remove(events_path);
  if (run.exit_code == 127) throw std::runtime_error("bazel is not installed");
  return run;
}

std::string PathFromUri(const std::string& uri) {
  const std::string prefix = "file://";
  return uri.rfind(prefix, 0) == 0 ? uri.substr(prefix.size()) : uri;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first lines of a compiler's output, with Bazel's paths made short.
std::string FirstErrors(std::string text) {
  const std::string prefix = "external/submission/";
  for (size_t at; (at = text.find(prefix)) != std::string::npos;) text.erase(at, prefix.size());
  std::istringstream lines(text);
  std::string shown;
  int count = 0;
  for (std::string line; std::getline(lines, line) && count < kErrorLinesShown; ++count) {
    shown += line + "\n";
  }
  return shown;
}

// "@submission//:03_listen_student.so" -> "03_listen"; "" if not a submission label.
std::string LabOfLabel(const std::string& label, const std::vector<std::string>& lab_ids) {
  size_t colon = label.rfind(':');
  if (label.rfind("@submission//", 0) != 0 || colon == std::string::npos) return "";
  std::string name = label.substr(colon + 1);
  for (const std::string& id : lab_ids) {
    if (name == id || name == id + kLibrarySuffix) return id;
  }
  return "";
}

// Copies a built binary where the case users can read it.
std::string CopyOut(const std::string& from, const std::string& out_dir, const std::string& name) {
  const std::string to = out_dir + "/" + name;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                          fs::perms::others_read | fs::perms::others_exec);
  return to;
}

}  // namespace

BuildOutcome BuildSubmission(const std::string& root, const std::string& staged_dir,
                             const std::vector<std::string>& lab_ids,
                             const std::vector<std::string>& kit_labels,
                             const std::string& out_dir) {
  BuildOutcome outcome;
  std::vector<std::string> targets = kit_labels;
  for (const std::string& id : lab_ids) {
    targets.push_back("@submission//:" + id + kLibrarySuffix);
    outcome.labs[id] = LabBuild{};
  }
  if (targets.empty()) return outcome;
  BazelRun run = RunBazel(root, targets, staged_dir, out_dir);
  for (const nlohmann::json& event : run.events) {
    const nlohmann::json& id = event["id"];
    if (id.contains("targetCompleted") && event.contains("completed")) {
      const std::string label = id["targetCompleted"].value("label", "");
      const nlohmann::json& completed = event["completed"];
      if (!completed.value("success", false)) continue;
      const std::string name = label.substr(label.rfind(':') + 1);
      for (const nlohmann::json& file :
           completed.value("importantOutput", nlohmann::json::array())) {
        std::string path = PathFromUri(file.value("uri", ""));
        if (fs::path(path).filename() != name) continue;
        if (std::string lab = LabOfLabel(label, lab_ids); !lab.empty()) {
          outcome.labs[lab].library = CopyOut(path, out_dir, lab + kLibrarySuffix);
          outcome.labs[lab].built = true;
        } else {
          std::string copy = label.substr(label.find("//") + 2);
          for (char& c : copy) c = (c == '/' || c == ':') ? '_' : c;
          outcome.kit[label] = CopyOut(path, out_dir, copy);
        }
      }
    } else if (id.contains("actionCompleted") && event.contains("action")) {
      const nlohmann::json& action = event["action"];
      std::string lab = LabOfLabel(action.value("label", ""), lab_ids);
      if (lab.empty() || action.value("success", true) || !outcome.labs[lab].errors.empty()) {
        continue;
      }
      if (action.contains("stderr")) {
        outcome.labs[lab].errors =
            FirstErrors(ReadFile(PathFromUri(action["stderr"].value("uri", ""))));
      }
    }
  }
  for (const std::string& label : kit_labels) {
    if (outcome.kit.count(label) == 0) {
      throw std::runtime_error("the kit's own " + label + " did not build:\n" +
                               FirstErrors(run.output));
    }
  }
  for (auto& [lab, build] : outcome.labs) {
    if (!build.built && build.errors.empty()) {
      // No action failed, yet no binary: say what Bazel said.
      build.errors = FirstErrors(run.output);
    }
  }
  return outcome;
}

}  // namespace labkit::build
