#include "grader/run/jail.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>


namespace labkit::run {
namespace {

// Each worker's cases run as a user of their own, so RLIMIT_NPROC (counted
// per user) stops a fork bomb without starving the other worker.
constexpr uid_t kFirstCaseUser = 61000;
constexpr int kStartupMarginMs = 1000;  // starting the jail, even on a busy machine
constexpr const char* kCaseDirInJail = "/tmp/labkit-case";
constexpr const char* kOutDirInJail = "/labkit/out";
constexpr const char* kLibraryInJail = "/labkit/student.so";
constexpr const char* kCpuSeconds = "10";
constexpr const char* kMemoryBytes = "1073741824";
constexpr const char* kProcesses = "64";
constexpr const char* kFileBytes = "16777216";
constexpr size_t kReportCap = 1024 * 1024;
// Inside the jail the fds are always these numbers.
constexpr int kStatusFd = 3, kInfoFd = 4;

bool IsRoot() { return ::geteuid() == 0; }

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
  // The student process's user: as root, one of the case users.
  const std::string user = IsRoot() ? std::to_string(kFirstCaseUser + spec.slot) : "";
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
  for (std::string arg : {std::to_string(kStatusFd), std::string("-"), std::string(kCpuSeconds),
                          std::string(kMemoryBytes), std::string(kProcesses),
                          std::string(kFileBytes), std::string("--")}) {
    args.push_back(arg);
  }
  args.push_back(isolation.jailed ? "/labkit/suite" : spec.binary);
  args.push_back("--gtest_filter=" + spec.name);
  Exec(args);
}

// The processes of `user` still in the process table (zombies included),
// and for each whether this process is its parent.
std::vector<std::pair<pid_t, bool>> ProcessesOf(uid_t user) {
  std::vector<std::pair<pid_t, bool>> found;
  const std::string self = std::to_string(::getpid());
  for (const std::filesystem::directory_entry& entry :
       std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    struct stat owner;
    if (pid.find_first_not_of("0123456789") != std::string::npos ||
        ::stat(entry.path().c_str(), &owner) != 0 || owner.st_uid != user) {
      continue;
    }
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    size_t end = line.rfind(')');  // the command name may hold spaces
    if (end == std::string::npos) continue;
    std::istringstream fields(line.substr(end + 2));
    std::string state, parent;
    fields >> state >> parent;
    found.emplace_back(std::stoi(pid), parent == self);
  }
  return found;
}

// A case's daemon must not outlive it: kill every process of the case's own
// user (possible as root; without root there is no user of its own either).
// Orphans are reparented to the grader (a child subreaper) and reaped here,
// or as zombies they would still count against the user's RLIMIT_NPROC.
void KillLeftovers(int slot) {
  if (!IsRoot()) return;
  const uid_t user = kFirstCaseUser + slot;
  if (ProcessesOf(user).empty()) return;  // the usual case: one scan of /proc, no fork
  harness::KillEveryProcessOf(user);
  for (const auto& [pid, ours] : ProcessesOf(user)) {
    if (ours) ::waitpid(pid, nullptr, 0);  // killed above: it is dying, if not dead
  }
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

harness::CaseOutcome HarnessProblem(const std::string& what) {
  harness::CaseOutcome outcome;
  outcome.verdict = harness::Verdict::kFailed;
  outcome.reason = "the grader could not run this case: " + what;
  return outcome;
}

}  // namespace

harness::CaseOutcome RunJailedCase(const Isolation& isolation, const CaseToRun& spec) {
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
  pid_t pid = ready ? ::fork() : -1;
  if (pid == 0) StartCase(isolation, spec, case_dir, out_dir, output[1], status[1], info[1]);
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
  ::close(info[0]);
  // The launcher's line is the case's true wait status; the jail's own exit
  // status only tells that the launcher ended (or was killed on a timeout).
  char buffer[32] = {};
  ssize_t n = ::read(status[0], buffer, sizeof buffer - 1);
  bool has_status = n > 0 && std::strchr(buffer, '\n') != nullptr;
  for (int fd : {output[0], status[0]}) ::close(fd);
  // The pid namespace should have taken everything with it; this makes sure,
  // whatever bubblewrap left behind (it is cheap: one fork per case).
  KillLeftovers(spec.slot);
  process.report = ReadCapped(out_dir + "/report", kReportCap);
  std::error_code ignored;
  std::filesystem::remove_all(case_dir, ignored);
  if (pid < 0) return HarnessProblem("could not prepare the case's folder or start it");

  const std::string shown_dir = isolation.jailed ? kCaseDirInJail : case_dir + "/case";
  ReplaceAll(process.report, shown_dir, "$TMP");
  ReplaceAll(process.output, shown_dir, "$TMP");
  if (has_status) {
    process.status = std::atoi(buffer);
  } else if (!process.timed_out && !process.flooded) {
    return HarnessProblem("the jail did not start (exit status " +
                          std::to_string(WEXITSTATUS(process.status)) + ")");
  }
  harness::CaseOutcome outcome;
  outcome.output = process.output;
  outcome.output_bytes = process.output_bytes;
  harness::JudgeCase(process, token, outcome);
  return outcome;
}

void KillCaseUsers(int workers) {
  for (int slot = 0; slot < workers; ++slot) KillLeftovers(slot);
}

Isolation ProbeIsolation(const std::string& launcher, const std::string& etc_dir) {
  Isolation isolation{true, launcher, etc_dir, ""};
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);  // see KillLeftovers
  if (std::getenv("LABKIT_NO_JAIL") != nullptr) {
    isolation.jailed = false;
    isolation.note = "no jail: LABKIT_NO_JAIL is set; cases ran with rlimits, an unprivileged "
                     "user and timeouts only";
    return isolation;
  }
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
    isolation.note = "bubblewrap jail: loopback-only network, own pid namespace, read-only /usr, "
                     "the kit's /etc, empty /tmp, the student's code as an unprivileged user in "
                     "a process of its own, rlimits, timeouts";
    return isolation;
  }
  std::string first_line;
  if (said >= 0) {
    char buffer[256] = {};
    if (::pread(said, buffer, sizeof buffer - 1, 0) > 0) first_line = buffer;
    first_line = first_line.substr(0, first_line.find('\n'));
  }
  if (said >= 0) ::close(said);
  isolation.jailed = false;
  isolation.note = std::string("no jail: bubblewrap could not start here (") +
                   (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127
                        ? "bwrap is not installed"
                        : first_line.empty() ? "exit status " + std::to_string(WEXITSTATUS(status))
                                             : first_line) +
                   "); cases ran with rlimits, an unprivileged user and timeouts only";
  return isolation;
}

}  // namespace labkit::run
