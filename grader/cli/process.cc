#include "grader/cli/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace labkit::cli {
namespace {

// Our environment with `extra` (NAME=VALUE) added, replacing same names.
std::vector<std::string> Environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string item = *entry;
    bool replaced = false;
    for (const std::string& added : extra) {
      replaced = replaced || item.rfind(added.substr(0, added.find('=') + 1), 0) == 0;
    }
    if (!replaced) env.push_back(item);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Until `pid` exits, hands each new line written to `out_fd` to `on_line`.
// False when `timeout_seconds` (if > 0) passed first.
bool FollowLines(pid_t pid, int out_fd, const std::function<void(const std::string&)>& on_line,
                 int timeout_seconds) {
  constexpr int kIntervalMs = 200;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  off_t offset = 0;
  std::string partial;
  bool exited = false;
  while (!exited) {
    if (timeout_seconds > 0 && std::chrono::steady_clock::now() > deadline) break;
    pollfd ready{.fd = pidfd, .events = POLLIN, .revents = 0};
    exited = pidfd < 0 || ::poll(&ready, 1, kIntervalMs) > 0;
    char buffer[8192];
    ssize_t n;
    while ((n = ::pread(out_fd, buffer, sizeof buffer, offset)) > 0) {
      offset += n;
      partial.append(buffer, static_cast<size_t>(n));
    }
    for (size_t end; (end = partial.find('\n')) != std::string::npos; partial.erase(0, end + 1)) {
      on_line(partial.substr(0, end));
    }
  }
  if (!partial.empty()) on_line(partial);
  if (pidfd >= 0) ::close(pidfd);
  return exited;
}

// Waits for `pid`; past `timeout_seconds` (if > 0) kills its whole group.
int Wait(pid_t pid, int timeout_seconds, bool& timed_out) {
  if (timeout_seconds > 0) {
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    pollfd exited{.fd = pidfd, .events = POLLIN, .revents = 0};
    int ready;
    while ((ready = ::poll(&exited, 1, timeout_seconds * 1000)) < 0 && errno == EINTR) {
    }
    if (pidfd >= 0) ::close(pidfd);
    if (ready == 0) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timeout_seconds > 0) ::kill(-pid, SIGKILL);  // what it left running in its group
  return status;
}

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings = Environment(options.env);
  std::vector<char*> env;
  for (std::string& item : env_strings) env.push_back(item.data());
  env.push_back(nullptr);

  // Output goes to an unlinked temporary file, not a pipe: a Bazel client
  // that starts a server leaves the server holding its output, so a pipe
  // would never reach end-of-file.
  int out_fd = -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.capture) {
    char path[] = "/tmp/labkit-output.XXXXXX";
    out_fd = ::mkstemp(path);
    if (out_fd < 0) return {127, false, std::string("mkstemp: ") + std::strerror(errno)};
    ::unlink(path);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    if (options.capture_stderr) {
      posix_spawn_file_actions_adddup2(&actions, out_fd, STDERR_FILENO);
    } else {
      posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_addclose(&actions, out_fd);
  }
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (options.timeout_seconds > 0) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  pid_t pid;
  int error = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ProcessResult result;
  if (error != 0) {
    if (options.capture) ::close(out_fd);
    result.exit_code = 127;
    result.output = "cannot run " + argv[0] + ": " + std::strerror(error);
    return result;
  }
  if (options.capture && options.on_line &&
      !FollowLines(pid, out_fd, options.on_line, options.timeout_seconds)) {
    result.timed_out = true;
    ::kill(-pid, SIGKILL);
  }
  const int status = Wait(pid, options.timeout_seconds, result.timed_out);
  if (options.capture) {
    char buffer[8192];
    ssize_t n;
    ::lseek(out_fd, 0, SEEK_SET);
    while ((n = ::read(out_fd, buffer, sizeof buffer)) != 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) break;
      result.output.append(buffer, static_cast<size_t>(n));
    }
    ::close(out_fd);
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace labkit::cli
