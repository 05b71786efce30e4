#include "grader/process/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdint>
#include <cstring>

extern char** environ;

namespace labkit::process {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// Once the program has exited, what is already in a pipe is its output; a
// daemon it left behind may keep writing, so the draining stops here.
constexpr size_t kDrainAfterExit = 1 << 20;
// Without a pidfd (a kernel before 5.3): how often waitpid is asked.
constexpr int kExitCheckMs = 20;

// Our environment with `extra` (NAME=VALUE) added, replacing the same names.
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

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// One captured stream: a pipe from the program, kept up to a limit, and
// handed on line by line if asked.
class Capture {
 public:
  Capture(std::string& into, bool& truncated, size_t limit,
          const std::function<void(const std::string&)>* on_line)
      : into_(into), truncated_(truncated), limit_(limit), on_line_(on_line) {}
  ~Capture() {
    Close(read_fd_);
    Close(write_fd_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  bool Open() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return false;
    read_fd_ = ends[0];
    write_fd_ = ends[1];
    return ::fcntl(read_fd_, F_SETFL, O_NONBLOCK) == 0;
  }
  int read_fd() const { return read_fd_; }
  int write_fd() const { return write_fd_; }
  void CloseWriteEnd() { Close(write_fd_); }

  // One read of what is waiting; false once the pipe is empty or closed.
  bool ReadOnce() {
    if (read_fd_ < 0) return false;
    char buffer[kReadChunk];
    ssize_t n;
    while ((n = ::read(read_fd_, buffer, sizeof buffer)) < 0 && errno == EINTR) {
    }
    if (n < 0 && errno == EAGAIN) return false;
    if (n <= 0) {
      Close(read_fd_);
      return false;
    }
    Keep(buffer, static_cast<size_t>(n));
    return true;
  }

  // What is already in the pipe, up to kDrainAfterExit bytes; then the
  // last line, and the pipe closed.
  void Finish() {
    for (size_t taken = 0; taken < kDrainAfterExit && ReadOnce(); taken += kReadChunk) {
    }
    Close(read_fd_);
    if (on_line_ && *on_line_ && !partial_.empty()) (*on_line_)(partial_);
    partial_.clear();
  }

 private:
  static void Close(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  void Keep(const char* data, size_t size) {
    const size_t room = into_.size() < limit_ ? limit_ - into_.size() : 0;
    into_.append(data, std::min(size, room));
    truncated_ = truncated_ || size > room;
    if (!on_line_ || !*on_line_) return;
    partial_.append(data, size);
    size_t start = 0;
    for (size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1) {
      (*on_line_)(partial_.substr(start, end - start));
    }
    partial_.erase(0, start);
    if (partial_.size() > limit_) {  // a "line" without end: handed on as it is
      (*on_line_)(partial_);
      partial_.clear();
    }
  }

  std::string& into_;
  bool& truncated_;
  const size_t limit_;
  const std::function<void(const std::string&)>* on_line_;
  std::string partial_;
  int read_fd_ = -1;
  int write_fd_ = -1;
};

// waitpid, again after EINTR. True once `pid` is reaped (or cannot be).
bool Reap(pid_t pid, int flags, int& status, bool& lost) {
  for (;;) {
    const pid_t reaped = ::waitpid(pid, &status, flags);
    if (reaped == pid) return true;
    if (reaped == 0) return false;
    if (errno != EINTR) {
      lost = true;  // e.g. SIGCHLD ignored: the status is gone
      return true;
    }
  }
}

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// Where the program's descriptor `fd` goes. False if a pipe cannot be made.
bool Route(Output output, int fd, Capture& capture, FileActions& actions) {
  switch (output) {
    case Output::kInherit:
      return true;
    case Output::kCapture:
      if (!capture.Open()) return false;
      posix_spawn_file_actions_adddup2(actions.get(), capture.write_fd(), fd);
      return true;
    case Output::kDiscard:
      posix_spawn_file_actions_addopen(actions.get(), fd, "/dev/null", O_WRONLY, 0);
      return true;
    case Output::kWithStdout:
      posix_spawn_file_actions_adddup2(actions.get(), STDOUT_FILENO, fd);
      return true;
  }
  return true;
}

}  // namespace

SpawnResult Spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  SpawnResult result;
  if (argv.empty()) {
    result.error = "no program to run";
    return result;
  }
  if (options.out == Output::kWithStdout) {
    result.error = "Output::kWithStdout is for stderr only";
    return result;
  }
  const auto* on_line = options.out == Output::kCapture ? &options.on_line : nullptr;
  Capture out(result.out, result.truncated, options.capture_limit, on_line);
  Capture err(result.err, result.truncated, options.capture_limit, nullptr);
  Capture fd3(result.fd3, result.truncated, options.capture_limit, nullptr);
  FileActions actions;
  if (!Route(options.out, STDOUT_FILENO, out, actions) ||
      !Route(options.err, STDERR_FILENO, err, actions) ||
      (options.capture_fd3 && !Route(Output::kCapture, 3, fd3, actions))) {
    result.error = std::string("cannot make a pipe: ") + std::strerror(errno);
    return result;
  }
  // Descriptors without O_CLOEXEC (opened by code we do not own) stay ours.
  posix_spawn_file_actions_addclosefrom_np(actions.get(), options.capture_fd3 ? 4 : 3);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(actions.get(), options.cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (options.timeout_ms > 0) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  std::vector<std::string> args = argv, env = Environment(options.env);
  pid_t pid = -1;
  // glibc reports a failed clone (fork) and a failed exec or chdir alike.
  const int error = ::posix_spawnp(&pid, args[0].c_str(), actions.get(), &attributes,
                                   Pointers(args).data(), Pointers(env).data());
  posix_spawnattr_destroy(&attributes);
  for (Capture* capture : {&out, &err, &fd3}) capture->CloseWriteEnd();
  if (error != 0) {
    result.error = "cannot run " + argv[0] + ": " + std::strerror(error);
    return result;
  }
  result.started = true;

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // close-on-exec
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
  int status = 0;
  bool reaped = false, lost = false, exited = false;
  while (!exited) {
    std::vector<pollfd> watched;
    std::vector<Capture*> owners;
    for (Capture* capture : {&out, &err, &fd3}) {
      if (capture->read_fd() < 0) continue;
      watched.push_back({capture->read_fd(), POLLIN, 0});
      owners.push_back(capture);
    }
    if (pidfd >= 0) watched.push_back({pidfd, POLLIN, 0});
    int wait_ms = -1;
    if (options.timeout_ms > 0 && !result.timed_out) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    if (pidfd < 0) wait_ms = wait_ms < 0 ? kExitCheckMs : std::min(wait_ms, kExitCheckMs);
    const int ready = ::poll(watched.data(), watched.size(), wait_ms);
    if (ready < 0 && errno != EINTR) break;  // cannot watch: wait for the exit below
    for (size_t i = 0; ready > 0 && i < owners.size(); ++i) {
      if (watched[i].revents != 0) owners[i]->ReadOnce();
    }
    if (pidfd >= 0) {
      exited = ready > 0 && (watched.back().revents & POLLIN) != 0;
    } else {
      exited = reaped = Reap(pid, WNOHANG, status, lost);
    }
    if (!exited && options.timeout_ms > 0 && !result.timed_out &&
        std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      result.timed_out = true;
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  if (!reaped) Reap(pid, 0, status, lost);
  if (options.timeout_ms > 0) ::kill(-pid, SIGKILL);  // what it left running in its group
  for (Capture* capture : {&out, &err, &fd3}) capture->Finish();
  if (lost) {
    result.error = "the exit status of " + argv[0] + " was lost";
  } else {
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return result;
}

}  // namespace labkit::process
