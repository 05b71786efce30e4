#include "grader/run/jail.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "grader/run/case_session.h"
#include "grader/run/jail_parts.h"
#include "grader/run/reserved_ports.h"

namespace labkit::run {

using namespace jail_parts;

namespace {

// Never returns: becomes the case's jail (or, degraded, its launcher).
// The launcher starts the test binary as it is (root, when the grader is);
// the test process starts the student process as the case's user.
[[noreturn]] void StartCase(const Isolation& isolation, const CaseToRun& spec,
                            const std::string& case_dir, const std::string& out_dir,
                            int output_fd, int status_fd, int info_fd, int block_fd) {
  ::setpgid(0, 0);
  int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  PlaceFds({status_fd, info_fd, block_fd});
  const std::string user = CaseUser(isolation, spec);
  std::vector<std::string> args;
  if (isolation.jailed) {
    args = JailArguments(isolation, spec, out_dir, user);
  } else {
    ::clearenv();
    ::setenv("PATH", "/usr/bin", 1);
    ::setenv("HOME", (case_dir + "/case").c_str(), 1);
    ::setenv("LABKIT_CASE_DIR", (case_dir + "/case").c_str(), 1);
    ::setenv("LABKIT_GRADE_MODE", "run", 1);
    ::setenv(harness::kStudentLibraryVariable, spec.library.c_str(), 1);
    ::setenv(harness::kOutDirVariable, out_dir.c_str(), 1);
    if (!user.empty()) ::setenv(harness::kStudentUserVariable, user.c_str(), 1);
    if (::chdir(case_dir.c_str()) != 0) ::_exit(126);
    ::close(kInfoFd);
    ::close(kBlockFd);
    args = {isolation.launcher};
  }
  for (std::string& arg : LauncherArguments(isolation.jailed ? "/labkit/suite" : spec.binary)) {
    args.push_back(std::move(arg));
  }
  args.push_back("--gtest_filter=" + spec.name);
  Exec(args);
}

}  // namespace

CaseRun RunJailedCase(const Isolation& isolation, const CaseToRun& spec) {
  if (IsRoot() &&
      (!isolation.users || spec.slot >= static_cast<int>(isolation.users->users().size()))) {
    return HarnessProblem("no case user is held for worker " + std::to_string(spec.slot));
  }
  std::optional<CaseCgroup> cgroup;
  if (isolation.cgroups.usable()) {
    try {
      cgroup.emplace(isolation.cgroups, spec.name,
                     CgroupLimits{isolation.case_memory_bytes, kCaseTasks});
    } catch (const std::runtime_error& e) {
      return HarnessProblem(e.what());
    }
  }
  const std::string token = harness::RandomToken();
  const std::string case_dir = MakeRunFolder("/tmp");
  if (case_dir.empty()) return HarnessProblem("cannot make the case's folder");
  // The case's user may pass through to case/ (its temp folder without a
  // jail) but may not list, rename or replace out/, where only the test
  // process writes its report once the student's processes are gone.
  const std::string out_dir = case_dir + "/out";
  ::chmod(case_dir.c_str(), 0711);
  bool ready = ::mkdir((case_dir + "/case").c_str(), 0777) == 0 &&
               ::chmod((case_dir + "/case").c_str(), 0777) == 0 &&
               ::mkdir(out_dir.c_str(), 0700) == 0 && WriteFile(out_dir + "/token", token + "\n");
  int output[2], status[2], info[2], block[2];
  for (int* pipe : {output, status, info, block}) {
    if (::pipe2(pipe, O_CLOEXEC) != 0) ready = false;
  }
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = ready ? ::fork() : -1;
  if (pid == 0) {
    // In before anything of the case runs: all it starts is counted.
    if (cgroup && !cgroup->Join()) ::_exit(kCannotJoinCgroup);
    StartCase(isolation, spec, case_dir, out_dir, output[1], status[1], info[1], block[0]);
  }
  for (int fd : {output[1], status[1], info[1], block[0]}) ::close(fd);
  harness::CaseProcess process;
  bool reserved = true;
  if (pid > 0) {
    ::setpgid(pid, pid);
    // bubblewrap names the first process inside; killing that one ends the
    // whole pid namespace before the jail exits.
    pid_t launcher = isolation.jailed ? JailedLauncherPid(info[0]) : -1;
    // As root the jail waits on kBlockFd until its network is set up (a
    // jail that did not start is told apart by JudgeSeenCase).
    if (isolation.jailed && IsRoot() && launcher > 0) reserved = ReserveEqualBytePorts(launcher);
    if (!reserved || ::write(block[1], "1", 1) != 1) ::kill(-pid, SIGKILL);
    ::fcntl(output[0], F_SETFL, O_NONBLOCK);
    process = harness::Supervise(pid, -1, output[0], spec.timeout_ms + kStartupMarginMs, launcher);
  }
  const auto ran = std::chrono::steady_clock::now() - started;
  ::close(info[0]);
  ::close(block[1]);
  // The launcher's line is the case's true wait status; the jail's own exit
  // status only tells that the launcher ended (or was killed on a timeout).
  char buffer[32] = {};
  ssize_t n = ::read(status[0], buffer, sizeof buffer - 1);
  bool has_status = n > 0 && std::strchr(buffer, '\n') != nullptr;
  for (int fd : {output[0], status[0]}) ::close(fd);
  // The pid namespace should have taken everything with it; this makes sure,
  // whatever bubblewrap left behind: the cgroup holds all of the case, and
  // the user's sweep reaps what was orphaned to this process (no jail).
  CgroupUsage usage = cgroup ? cgroup->Usage() : CgroupUsage{};
  if (cgroup) cgroup->Destroy();
  if (IsRoot()) KillProcessesOf(isolation.users->users().at(spec.slot));
  process.report = ReadCapped(out_dir + "/report", kReportCap);
  std::error_code ignored;
  std::filesystem::remove_all(case_dir, ignored);
  if (pid < 0) return HarnessProblem("could not prepare the case's folder or start it");
  if (!reserved) return HarnessProblem(kCannotReservePorts);

  SeenCase seen;
  seen.process = std::move(process);
  seen.has_status = has_status;
  if (has_status) seen.process.status = std::atoi(buffer);
  seen.no_status_reason = WEXITSTATUS(seen.process.status) == kCannotJoinCgroup
                              ? "the case could not join its cgroup"
                              : "the jail did not start (exit status " +
                                    std::to_string(WEXITSTATUS(seen.process.status)) + ")";
  seen.usage = usage;
  seen.ran = ran;
  seen.token = token;
  seen.shown_dir = isolation.jailed ? kCaseDirInJail : case_dir + "/case";
  return JudgeSeenCase(isolation, std::move(seen));
}

namespace {

// Whether the jail starts here (sets isolation.jailed), and how cases are
// jailed, for the note.
std::string ProbeJail(Isolation& isolation) {
  isolation.jailed = false;
  if (std::getenv("LABKIT_NO_JAIL") != nullptr) return "no jail: LABKIT_NO_JAIL is set";
  // The launcher run on itself with no arguments prints its usage and exits
  // with 2: enough to prove the jail starts and runs a program. What
  // bubblewrap says when it cannot start goes into the report.
  char said_template[] = "/tmp/labkit-probe.XXXXXX";
  int said = ::mkstemp(said_template);
  if (said >= 0) ::unlink(said_template);
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, STDOUT_FILENO);
    ::dup2(said >= 0 ? said : devnull, STDERR_FILENO);
    ::dup2(devnull, kInfoFd);
    Exec(JailArguments(isolation, {}, "", ""));
  }
  int status = 0;
  if (pid > 0) ::waitpid(pid, &status, 0);
  if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 2) {
    isolation.jailed = true;
    return std::string("bubblewrap jail: loopback-only network") +
           (IsRoot() ? " (no equal-byte port assigned automatically)" : "") +
           ", own pid namespace, read-only /usr, the kit's /etc, empty /tmp, the student's "
           "code in a process of its own";
  }
  std::string first_line;
  if (said >= 0) {
    char buffer[256] = {};
    if (::pread(said, buffer, sizeof buffer - 1, 0) > 0) first_line = buffer;
    first_line = first_line.substr(0, first_line.find('\n'));
  }
  if (said >= 0) ::close(said);
  return std::string("no jail: bubblewrap could not start here (") +
         (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127
              ? "bwrap is not installed"
              : first_line.empty() ? "exit status " + std::to_string(WEXITSTATUS(status))
                                   : first_line) +
         ")";
}

}  // namespace

Isolation ProbeIsolation(const std::string& launcher, const std::string& etc_dir, int workers,
                         int64_t case_memory_bytes) {
  Isolation isolation;
  isolation.launcher = launcher;
  isolation.etc_dir = etc_dir;
  isolation.case_memory_bytes = case_memory_bytes > 0 ? case_memory_bytes : kMemoryBytes;
  // Orphans of a case come to the grader, to be killed and reaped after it.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  const std::string jail = ProbeJail(isolation);
  std::string users = "no case users of their own (the grader is not root, so the student's "
                      "code ran as uid " + std::to_string(::geteuid()) + ")";
  if (IsRoot()) {
    UserPoolOptions options;
    options.tell = [](const std::string& what) {
      std::fprintf(stderr, "labkit: %s\n", what.c_str());
    };
    isolation.users = std::make_shared<UserPool>(UserPool::Acquire(workers, options));
    users = "the student's code as a user of its own per worker (uid";
    for (uid_t user : isolation.users->users()) users += " " + std::to_string(user);
    users += std::string(", locked in ") + kCaseUserLockDir + ")";
  }
  isolation.cgroups = CaseCgroups::Probe();
  isolation.cgroups.RemoveAbandoned();
  const std::string sessions =
      CaseSession::Usable(isolation)
          ? "; each worker runs a lab's cases one after another in one jail, each case in a "
            "fresh process, every process of the last one killed, /tmp emptied and its IPC "
            "objects removed in between"
          : "";
  const std::string limits =
      isolation.cgroups.usable()
          ? std::string(sessions.empty() ? "a cgroup per case, " : "a cgroup per jail, ") +
                isolation.cgroups.description() + ": " +
                std::to_string(isolation.case_memory_bytes >> 20) + " MiB and " +
                std::to_string(kCaseTasks) +
                " tasks for all its processes together; rlimits"
          : "no cgroups (" + isolation.cgroups.description() +
                "): memory and processes are bounded per process by rlimits only";
  isolation.note = jail + sessions + "; " + users + "; " + limits + "; timeouts";
  return isolation;
}

}  // namespace labkit::run
