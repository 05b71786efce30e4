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

namespace labkit::run {
namespace {

constexpr int kStartupMarginMs = 1000;  // starting the jail, even on a busy machine
constexpr const char* kCaseDirInJail = "/tmp/labkit-case";
constexpr const char* kOutDirInJail = "/labkit/out";
constexpr const char* kLibraryInJail = "/labkit/student.so";
constexpr int kCpuSeconds = 10;
// Per process as an rlimit (address space); with a cgroup, by default, for
// the whole case as well.
constexpr int64_t kMemoryBytes = 1 << 30;
constexpr int kProcesses = 64;  // per case user (RLIMIT_NPROC)
// The cgroup's bound on tasks: the student's processes, plus the kit's own
// (bubblewrap, the launcher, the test process) and their threads.
constexpr int kCaseTasks = kProcesses + 16;
constexpr const char* kFileBytes = "16777216";
constexpr int kCannotJoinCgroup = 125;  // exit status: the kernel refused the move
constexpr size_t kReportCap = 1024 * 1024;
// Inside the jail the fds are always these numbers.
constexpr int kStatusFd = 3, kInfoFd = 4;

bool IsRoot() { return ::geteuid() == 0; }

// The student process's user: as root, its worker's user from the pool;
// "" (as the test) otherwise.
std::string CaseUser(const Isolation& isolation, const CaseToRun& spec) {
  if (!IsRoot() || !isolation.users) return "";
  return std::to_string(isolation.users->users().at(spec.slot));
}

// As root, bubblewrap needs no user namespace (cheaper), and the test
// process keeps what it needs to run the student process as the case's
// user and to watch it: change user, signal, read its /proc entries, use
// the files it made.
// `spec` and `out_dir` are empty for the probe, which only starts the jail.
std::vector<std::string> JailArguments(const Isolation& isolation, const CaseToRun& spec,
                                       const std::string& out_dir, const std::string& user) {
  std::vector<std::string> namespaces =
      IsRoot() ? std::vector<std::string>{"--unshare-ipc", "--unshare-pid", "--unshare-net",
                                          "--unshare-uts", "--unshare-cgroup-try",
                                          "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                                          "--cap-add", "CAP_KILL", "--cap-add", "CAP_SYS_PTRACE",
                                          "--cap-add", "CAP_DAC_OVERRIDE"}
               : std::vector<std::string>{"--unshare-all"};
  std::vector<std::string> args = {"bwrap"};
  args.insert(args.end(), namespaces.begin(), namespaces.end());
  std::vector<std::string> rest = {"--die-with-parent", "--new-session", "--as-pid-1",
          "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
          "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
          "--proc", "/proc", "--dev", "/dev", "--size", "67108864", "--perms", "1777", "--tmpfs", "/tmp",
          "--ro-bind", isolation.etc_dir, "/etc",
          "--perms", "0755", "--dir", "/labkit", "--ro-bind", isolation.launcher, "/labkit/case_launcher",
          "--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin",
          "--setenv", "HOME", "/tmp", "--setenv", "LABKIT_CASE_DIR", kCaseDirInJail,
          "--setenv", "LABKIT_GRADE_MODE", "run",
          "--setenv", harness::kStudentLibraryVariable, kLibraryInJail,
          "--setenv", harness::kOutDirVariable, kOutDirInJail,
          "--info-fd", std::to_string(kInfoFd)};
  args.insert(args.end(), rest.begin(), rest.end());
  if (!spec.binary.empty()) {
    args.insert(args.end(), {"--ro-bind", spec.binary, "/labkit/suite", "--ro-bind", spec.library,
                             kLibraryInJail, "--bind", out_dir, kOutDirInJail});
  }
  if (!user.empty()) args.insert(args.end(), {"--setenv", harness::kStudentUserVariable, user});
  args.push_back("/labkit/case_launcher");
  return args;
}

// Moves `fds` to exactly 3, 4, ... (in order) without one clobbering another.
void PlaceFds(std::initializer_list<int> fds) {
  std::vector<int> high;
  for (int fd : fds) high.push_back(::fcntl(fd, F_DUPFD_CLOEXEC, 10));
  int target = kStatusFd;
  for (int fd : high) ::dup2(fd, target++);  // dup2 clears close-on-exec
}

// Never returns: runs `args` (found on PATH) in place of this process, or
// exits with 127 as a shell does when it cannot.
[[noreturn]] void Exec(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  ::_exit(127);
}

// Never returns: becomes the case's jail (or, degraded, its launcher).
// The launcher starts the test binary as it is (root, when the grader is);
// the test process starts the student process as the case's user.
[[noreturn]] void StartCase(const Isolation& isolation, const CaseToRun& spec,
                            const std::string& case_dir, const std::string& out_dir,
                            int output_fd, int status_fd, int info_fd) {
  ::setpgid(0, 0);
  int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  PlaceFds({status_fd, info_fd});
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
    args = {isolation.launcher};
  }
  for (std::string arg : {std::to_string(kStatusFd), std::string("-"),
                          std::to_string(kCpuSeconds), std::to_string(kMemoryBytes),
                          std::to_string(kProcesses), std::string(kFileBytes), std::string("--")}) {
    args.push_back(arg);
  }
  args.push_back(isolation.jailed ? "/labkit/suite" : spec.binary);
  args.push_back("--gtest_filter=" + spec.name);
  Exec(args);
}

// Reads {"child-pid": N, ...} from bubblewrap's --info-fd; -1 if it never came.
pid_t JailedLauncherPid(int info_fd) {
  std::string text;
  char buffer[512];
  while (text.find('}') == std::string::npos) {
    pollfd ready{info_fd, POLLIN, 0};
    if (::poll(&ready, 1, 5000) <= 0) return -1;
    ssize_t n = ::read(info_fd, buffer, sizeof buffer);
    if (n <= 0) return -1;
    text.append(buffer, n);
  }
  size_t at = text.find("\"child-pid\":");
  return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + 12);
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
}

bool WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return ::close(fd) == 0 && written;
}

// At most `cap` bytes of a file the test process wrote; empty if none.
std::string ReadCapped(const std::string& path, size_t cap) {
  std::string text;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return text;
  char buffer[65536];
  for (ssize_t n; text.size() < cap && (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, std::min<size_t>(static_cast<size_t>(n), cap - text.size()));
  }
  ::close(fd);
  return text;
}

// Not the submission's doing: the case is run again, and if it happens
// again it is reported as the machine's problem.
CaseRun HarnessProblem(const std::string& what) {
  CaseRun run;
  run.outcome.verdict = harness::Verdict::kFailed;
  run.outcome.reason = "the grader could not run this case: " + what;
  run.killed_from_outside = true;
  return run;
}

// Whether a SIGKILL could be RLIMIT_CPU's: only once the case could have
// used kCpuSeconds of CPU, on every core, in the time it ran.
bool CpuLimitReachable(std::chrono::steady_clock::duration ran) {
  const long cores = std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN));
  return std::chrono::duration<double>(ran).count() * cores >= kCpuSeconds;
}

// Whether the case's process (the student's, in a split case) was killed
// by SIGKILL, as JudgeCase words it.
bool KilledBySigkill(const harness::CaseOutcome& outcome) {
  return outcome.verdict == harness::Verdict::kCrashed &&
         outcome.reason.rfind("killed by SIGKILL", 0) == 0;
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
  // Named after this process, like the grader's work folder, so that one
  // left by a grader killed mid-case can be recognised and removed.
  std::string case_dir = "/tmp/labkit-run." + std::to_string(::getpid()) + ".XXXXXX";
  if (::mkdtemp(case_dir.data()) == nullptr) return HarnessProblem("mkdtemp failed");
  // The case's user may pass through to case/ (its temp folder without a
  // jail) but may not list, rename or replace out/, where only the test
  // process writes its report once the student's processes are gone.
  const std::string out_dir = case_dir + "/out";
  ::chmod(case_dir.c_str(), 0711);
  bool ready = ::mkdir((case_dir + "/case").c_str(), 0777) == 0 &&
               ::chmod((case_dir + "/case").c_str(), 0777) == 0 &&
               ::mkdir(out_dir.c_str(), 0700) == 0 && WriteFile(out_dir + "/token", token + "\n");
  int output[2], status[2], info[2];
  for (int* pipe : {output, status, info}) {
    if (::pipe2(pipe, O_CLOEXEC) != 0) ready = false;
  }
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = ready ? ::fork() : -1;
  if (pid == 0) {
    // In before anything of the case runs: all it starts is counted.
    if (cgroup && !cgroup->Join()) ::_exit(kCannotJoinCgroup);
    StartCase(isolation, spec, case_dir, out_dir, output[1], status[1], info[1]);
  }
  for (int fd : {output[1], status[1], info[1]}) ::close(fd);
  harness::CaseProcess process;
  if (pid > 0) {
    ::setpgid(pid, pid);
    // bubblewrap names the first process inside; killing that one ends the
    // whole pid namespace before the jail exits.
    pid_t launcher = isolation.jailed ? JailedLauncherPid(info[0]) : -1;
    ::fcntl(output[0], F_SETFL, O_NONBLOCK);
    process = harness::Supervise(pid, -1, output[0], spec.timeout_ms + kStartupMarginMs, launcher);
  }
  const auto ran = std::chrono::steady_clock::now() - started;
  ::close(info[0]);
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

  const std::string shown_dir = isolation.jailed ? kCaseDirInJail : case_dir + "/case";
  ReplaceAll(process.report, shown_dir, "$TMP");
  ReplaceAll(process.output, shown_dir, "$TMP");
  if (has_status) {
    process.status = std::atoi(buffer);
  } else if (usage.memory_limit_reached) {
    process.status = SIGKILL;  // the OOM killer took the launcher too: as a kill of the case
  } else if (!process.timed_out && !process.flooded) {
    return HarnessProblem(WEXITSTATUS(process.status) == kCannotJoinCgroup
                              ? "the case could not join its cgroup"
                              : "the jail did not start (exit status " +
                                    std::to_string(WEXITSTATUS(process.status)) + ")");
  }
  CaseRun run;
  run.peak_memory_bytes = usage.peak_memory_bytes;
  harness::CaseOutcome& outcome = run.outcome;
  outcome.output = process.output;
  outcome.output_bytes = process.output_bytes;
  harness::JudgeCase(process, token, outcome);
  if (usage.memory_limit_reached && !outcome.passed()) {
    outcome.reason += "; the case reached its memory limit (" +
                      std::to_string(isolation.case_memory_bytes >> 20) +
                      " MiB for all its processes together)";
  }
  // A SIGKILL that neither the grader (timeout, flood) nor a limit of the
  // case's own sent came from outside: another grader, the host's OOM
  // killer, an administrator.
  run.killed_from_outside = KilledBySigkill(outcome) && !process.flooded &&
                            !usage.memory_limit_reached && !CpuLimitReachable(ran);
  return run;
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
    return "bubblewrap jail: loopback-only network, own pid namespace, read-only /usr, "
           "the kit's /etc, empty /tmp, the student's code in a process of its own";
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
  const std::string limits =
      isolation.cgroups.usable()
          ? "a cgroup per case, " + isolation.cgroups.description() + ": " +
                std::to_string(isolation.case_memory_bytes >> 20) + " MiB and " +
                std::to_string(kCaseTasks) +
                " tasks for all its processes together; rlimits"
          : "no cgroups (" + isolation.cgroups.description() +
                "): memory and processes are bounded per process by rlimits only";
  isolation.note = jail + "; " + users + "; " + limits + "; timeouts";
  return isolation;
}

}  // namespace labkit::run
