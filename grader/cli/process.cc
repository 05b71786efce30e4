#include "grader/cli/process.h"

#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace labkit::cli {

ProcessResult RunProcess(const std::vector<std::string>& argv, bool capture) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  // Output goes to an unlinked temporary file, not a pipe: a Bazel client
  // that starts a server leaves the server holding its output, so a pipe
  // would never reach end-of-file.
  int out_fd = -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture) {
    char path[] = "/tmp/labkit-output.XXXXXX";
    out_fd = ::mkstemp(path);
    if (out_fd < 0) return {127, std::string("mkstemp: ") + std::strerror(errno)};
    ::unlink(path);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out_fd);
  }
  pid_t pid;
  int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ProcessResult result;
  if (error != 0) {
    if (capture) ::close(out_fd);
    result.exit_code = 127;
    result.output = "cannot run " + argv[0] + ": " + std::strerror(error);
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (capture) {
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
