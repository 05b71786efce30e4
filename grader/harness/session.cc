#include "grader/harness/session.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "grader/harness/ipc_sweep.h"

namespace labkit::harness::session {
namespace {

constexpr size_t kLongestName = 4096;
constexpr const char* kLauncherInJail = "/labkit/case_launcher";
constexpr const char* kMessageQueues = "/dev/mqueue";  // the jail mounts its IPC namespace's

bool SendStatus(int fd, int status) {
  const std::string text = std::to_string(status);
  return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// Only as the launcher's child in a jail: PID 1 there is the launcher.
bool InJailSession() {
  std::ifstream cmdline("/proc/1/cmdline");
  std::string first;
  std::getline(cmdline, first, '\0');
  return ::getppid() == 1 && first == kLauncherInJail;
}

// Every process in the jail but PID 1 (the launcher, which reaps them) and
// this one: what a case left running.
std::vector<pid_t> OtherProcesses() {
  std::vector<pid_t> pids;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::atol(name.c_str()));
    if (pid != 1 && pid != ::getpid()) pids.push_back(pid);
  }
  return pids;
}

// Kills them all, then waits (bounded) until each has exited: by then its
// sockets and files are closed, so the next case finds its names free.
// Rounds, as a fork bomb forks while it is being killed.
void KillTheRest() {
  for (int round = 0; round < 10 && ::kill(-1, SIGKILL) == 0; ++round) {
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (pid_t pid : OtherProcesses()) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) continue;  // gone already
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd exited{pidfd, POLLIN, 0};
    ::poll(&exited, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    ::close(pidfd);
  }
}

// What a case left in the jail's /tmp (the server's working folder).
void EmptyFolder(const std::filesystem::path& folder) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    std::filesystem::remove_all(entry.path(), error);  // never follows a symlink
  }
}

}  // namespace

bool SendRequest(int fd, const std::string& case_name, int output_fd) {
  if (case_name.empty() || case_name.size() > kLongestName) return false;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  iovec part{const_cast<char*>(case_name.data()), case_name.size()};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &output_fd, sizeof(int));
  ssize_t n;
  while ((n = ::sendmsg(fd, &message, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  return n == static_cast<ssize_t>(case_name.size());
}

bool ReceiveRequest(int fd, std::string& case_name, int& output_fd) {
  char buffer[kLongestName];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  iovec part{buffer, sizeof buffer};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(fd, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (n <= 0 || header == nullptr || header->cmsg_type != SCM_RIGHTS ||
      header->cmsg_len != CMSG_LEN(sizeof(int))) {
    return false;
  }
  std::memcpy(&output_fd, CMSG_DATA(header), sizeof(int));
  case_name.assign(buffer, static_cast<size_t>(n));
  return true;
}

std::optional<int> ReadStatus(int fd) {
  char buffer[32];
  ssize_t n;
  while ((n = ::recv(fd, buffer, sizeof buffer - 1, MSG_DONTWAIT)) < 0 && errno == EINTR) {
  }
  if (n <= 0) return std::nullopt;
  buffer[n] = '\0';
  char* end = nullptr;
  const long status = std::strtol(buffer, &end, 10);
  if (end != buffer + n || status < -1 || status > 0xffff) return std::nullopt;
  return static_cast<int>(status);
}

int Serve(int fd, const std::function<int(const std::string&)>& run_case) {
  if (!InJailSession()) {
    std::fprintf(stderr, "labkit: serve mode runs only in the grader's jail\n");
    return 2;
  }
  // The case processes run as root too: none may read this one's memory.
  ::prctl(PR_SET_DUMPABLE, 0);
  std::string name;
  int output_fd = -1;
  while (ReceiveRequest(fd, name, output_fd)) {
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(fd);
      ::dup2(output_fd, STDOUT_FILENO);
      ::dup2(output_fd, STDERR_FILENO);
      if (output_fd > STDERR_FILENO) ::close(output_fd);
      std::exit(run_case(name));
    }
    ::close(output_fd);
    int status = -1;
    if (child > 0) {
      while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
    }
    KillTheRest();
    EmptyFolder("/tmp");
    SweepSystemVObjects();
    SweepMessageQueues(kMessageQueues);
    if (!SendStatus(fd, status)) break;
  }
  return 0;
}

}  // namespace labkit::harness::session
