#include "grader/run/case_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "grader/harness/session.h"
#include "grader/run/jail_parts.h"
#include "grader/run/reserved_ports.h"

namespace labkit::run {

using namespace jail_parts;

namespace {

using Clock = std::chrono::steady_clock;

// Once the server has answered, the case's processes are dead or dying:
// their last output is only moments away.
constexpr int kLastOutputMs = 2000;

int MillisecondsUntil(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

// The first line of what bubblewrap or the server said, for a failed start.
std::string FirstLine(const std::string& path) {
  std::string text = ReadCapped(path, 512);
  text = text.substr(0, text.find('\n'));
  return text.empty() ? "no message" : text;
}

}  // namespace

bool CaseSession::Usable(const Isolation& isolation) {
  return isolation.jailed && IsRoot() && isolation.users != nullptr &&
         std::getenv("LABKIT_NO_SESSIONS") == nullptr;
}

std::string CaseSession::Start(const CaseToRun& spec) {
  End();
  if (!isolation_.users || spec.slot >= static_cast<int>(isolation_.users->users().size())) {
    return "no case user is held for worker " + std::to_string(spec.slot);
  }
  if (isolation_.cgroups.usable()) {
    try {
      cgroup_.emplace(isolation_.cgroups, "session." + spec.name,
                      CgroupLimits{isolation_.case_memory_bytes, kCaseTasks});
    } catch (const std::runtime_error& e) {
      return e.what();
    }
  }
  dir_ = MakeRunFolder(SessionFolderParent());
  if (dir_.empty()) return "cannot make the session's folder";
  const std::string out_dir = dir_ + "/out", log = dir_ + "/jail.log";
  ::chmod(dir_.c_str(), 0711);
  int control[2] = {-1, -1}, info[2] = {-1, -1};
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const int no_status = ::open("/dev/null", O_WRONLY | O_CLOEXEC);  // the server's own: unused
  bool ready = ::mkdir(out_dir.c_str(), 0700) == 0 && log_fd >= 0 && no_status >= 0 &&
               ::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, control) == 0 &&
               ::pipe2(info, O_CLOEXEC) == 0;
  const std::string user = CaseUser(isolation_, spec);
  pid_t pid = ready ? ::fork() : -1;
  if (pid == 0) {
    if (cgroup_ && !cgroup_->Join()) ::_exit(kCannotJoinCgroup);
    ::setpgid(0, 0);
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    PlaceFds({no_status, info[1], control[1]});
    std::vector<std::string> args = JailArguments(isolation_, spec, out_dir, user, true);
    for (std::string& arg : LauncherArguments("/labkit/suite")) args.push_back(std::move(arg));
    Exec(args);
  }
  for (int fd : {log_fd, no_status, control[1], info[1]}) {
    if (fd >= 0) ::close(fd);
  }
  if (pid > 0) {
    ::setpgid(pid, pid);
    jail_ = pid;
    launcher_ = JailedLauncherPid(info[0]);
  }
  if (info[0] >= 0) ::close(info[0]);
  control_ = control[0];
  binary_ = spec.binary;
  library_ = spec.library;
  slot_ = spec.slot;
  // The server waits for the first request: no case runs before this.
  const bool reserved = launcher_ > 0 && ReserveEqualBytePorts(launcher_);
  if (reserved) return "";
  const std::string why = pid < 0         ? "could not prepare the session's folder or start it"
                          : launcher_ > 0 ? kCannotReservePorts
                                          : "the jail did not start (" + FirstLine(log) + ")";
  End();
  return why;
}

void CaseSession::StopJail() {
  if (launcher_ > 0) ::kill(launcher_, SIGKILL);  // its pid namespace dies with it
  if (jail_ > 0) {
    ::kill(-jail_, SIGKILL);
    ::waitpid(jail_, nullptr, 0);
  }
  launcher_ = jail_ = -1;
}

void CaseSession::End() {
  StopJail();
  if (control_ >= 0) ::close(control_);
  // The cgroup holds all of the jail; the sweep, whatever bubblewrap left.
  if (cgroup_) cgroup_->Destroy();
  cgroup_.reset();
  if (slot_ >= 0 && isolation_.users) KillProcessesOf(isolation_.users->users().at(slot_));
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  control_ = -1;
  dir_.clear();
  binary_.clear();
  library_.clear();
  slot_ = -1;
}

CaseRun CaseSession::Run(const CaseToRun& spec) {
  if (launcher_ <= 0 || spec.binary != binary_ || spec.library != library_ || spec.slot != slot_) {
    if (std::string why = Start(spec); !why.empty()) return HarnessProblem(why);
  }
  SeenCase seen;
  seen.token = harness::RandomToken();
  seen.shown_dir = kCaseDirInJail;
  seen.process.timeout_ms = spec.timeout_ms + kStartupMarginMs;
  const std::string out_dir = dir_ + "/out";
  ::unlink((out_dir + "/report").c_str());
  ::unlink((out_dir + "/token").c_str());
  int output[2];
  if (!WriteFile(out_dir + "/token", seen.token + "\n") || ::pipe2(output, O_CLOEXEC) != 0) {
    End();
    return HarnessProblem("could not prepare the case in its session");
  }
  if (cgroup_) cgroup_->Restart();
  const auto started = Clock::now();
  const bool sent = harness::session::SendRequest(control_, spec.name, output[1]);
  ::close(output[1]);
  ::fcntl(output[0], F_SETFL, O_NONBLOCK);

  // Until the server answers, the deadline passes or the output floods.
  const auto deadline = started + std::chrono::milliseconds(seen.process.timeout_ms);
  std::optional<int> status;
  bool output_open = true, session_ended = !sent;
  while (!status && !session_ended && !seen.process.flooded) {
    const int left = MillisecondsUntil(deadline);
    if (left == 0) {
      seen.process.timed_out = true;
      break;
    }
    pollfd fds[2] = {{control_, POLLIN, 0}, {output_open ? output[0] : -1, POLLIN, 0}};
    if (::poll(fds, 2, left) < 0 && errno != EINTR) break;
    if (fds[1].revents != 0) output_open = harness::DrainOutput(output[0], seen.process);
    if (fds[0].revents != 0) {
      status = harness::session::ReadStatus(control_);
      session_ended = !status;
    }
  }
  const auto last_output = Clock::now() + std::chrono::milliseconds(kLastOutputMs);
  while (status && output_open && !seen.process.flooded && MillisecondsUntil(last_output) > 0) {
    pollfd fd{output[0], POLLIN, 0};
    if (::poll(&fd, 1, MillisecondsUntil(last_output)) > 0) {
      output_open = harness::DrainOutput(output[0], seen.process);
    }
  }
  seen.ran = Clock::now() - started;
  seen.usage = cgroup_ ? cgroup_->Usage() : CgroupUsage{};
  // A case that did not end on its own takes the jail, and all in it, along.
  const bool keep = status && *status >= 0 && !seen.process.flooded;
  if (!keep) StopJail();
  harness::DrainOutput(output[0], seen.process);
  ::close(output[0]);
  seen.process.report = ReadCapped(out_dir + "/report", kReportCap);
  if (!keep) End();
  seen.has_status = keep;
  if (keep) seen.process.status = *status;
  seen.no_status_reason = "the jail session ended before the case did";
  return JudgeSeenCase(isolation_, std::move(seen));
}

}  // namespace labkit::run
