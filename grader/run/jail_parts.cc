#include "grader/run/jail_parts.h"

#include "grader/harness/session.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>
#include <poll.h>

namespace labkit::run::jail_parts {
namespace {

constexpr const char* kFileBytes = "16777216";

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
    text.replace(at, from.size(), to);
  }
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

bool IsRoot() { return ::geteuid() == 0; }

std::string CaseUser(const Isolation& isolation, const CaseToRun& spec) {
  if (!IsRoot() || !isolation.users) return "";
  return std::to_string(isolation.users->users().at(spec.slot));
}

// As root, bubblewrap needs no user namespace (cheaper), and the test
// process keeps what it needs to run the student process as the case's
// user and to watch it: change user, signal, read its /proc entries, use
// the files it made.
std::vector<std::string> JailArguments(const Isolation& isolation, const CaseToRun& spec,
                                       const std::string& out_dir, const std::string& user,
                                       bool session) {
  std::vector<std::string> namespaces =
      IsRoot() ? std::vector<std::string>{"--unshare-ipc", "--unshare-pid", "--unshare-net",
                                          "--unshare-uts", "--unshare-cgroup-try",
                                          "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                                          "--cap-add", "CAP_KILL", "--cap-add", "CAP_SYS_PTRACE",
                                          "--cap-add", "CAP_DAC_OVERRIDE"}
               : std::vector<std::string>{"--unshare-all"};
  // Debian's, by its path as in the compile jail: not whichever `bwrap` the
  // grader's PATH finds first, and no search of PATH for each jail.
  std::vector<std::string> args = {"/usr/bin/bwrap"};
  args.insert(args.end(), namespaces.begin(), namespaces.end());
  std::vector<std::string> rest = {"--die-with-parent", "--new-session", "--as-pid-1",
          "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
          "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
          "--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue", "--size", "67108864", "--perms", "1777", "--tmpfs", "/tmp",
          "--ro-bind", isolation.etc_dir, "/etc",
          "--perms", "0755", "--dir", "/labkit", "--ro-bind", isolation.launcher, "/labkit/case_launcher",
          "--chdir", "/tmp", "--clearenv", "--setenv", "PATH", "/usr/bin",
          "--setenv", "HOME", "/tmp", "--setenv", "LABKIT_CASE_DIR", kCaseDirInJail,
          "--setenv", harness::kGradeModeVariable, session ? "serve" : "run",
          "--setenv", harness::kStudentLibraryVariable, kLibraryInJail,
          "--setenv", harness::kOutDirVariable, kOutDirInJail,
          // Each case's names need not differ from another's (loopback.h).
          "--setenv", harness::kCaseNumberVariable, "1",
          // Every symbol bound once, as the session's server starts: else
          // each forked case looks libstdc++'s up again, faulting in pages.
          "--setenv", "LD_BIND_NOW", "1",
          "--info-fd", std::to_string(kInfoFd)};
  args.insert(args.end(), rest.begin(), rest.end());
  if (session) {
    args.insert(args.end(), {"--setenv", harness::session::kFdVariable, std::to_string(kSessionFd)});
  } else if (IsRoot() && !spec.binary.empty()) {
    args.insert(args.end(), {"--block-fd", std::to_string(kBlockFd)});
  }
  if (!spec.binary.empty()) {
    args.insert(args.end(), {"--ro-bind", spec.binary, "/labkit/suite", "--ro-bind", spec.library,
                             kLibraryInJail, "--bind", out_dir, kOutDirInJail});
  }
  if (!user.empty()) args.insert(args.end(), {"--setenv", harness::kStudentUserVariable, user});
  args.push_back("/labkit/case_launcher");
  return args;
}

std::vector<std::string> LauncherArguments(const std::string& program) {
  return {std::to_string(kStatusFd), "-", std::to_string(kCpuSeconds),
          std::to_string(kMemoryBytes), std::to_string(kProcesses), kFileBytes, "--", program};
}

void PlaceFds(std::initializer_list<int> fds) {
  std::vector<int> high;
  for (int fd : fds) high.push_back(::fcntl(fd, F_DUPFD_CLOEXEC, 10));
  int target = kStatusFd;
  for (int fd : high) ::dup2(fd, target++);  // dup2 clears close-on-exec
}

[[noreturn]] void Exec(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  ::_exit(127);
}

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

std::string MakeRunFolder(const std::string& parent) {
  std::string folder = parent + "/labkit-run." + std::to_string(::getpid()) + ".XXXXXX";
  return ::mkdtemp(folder.data()) != nullptr ? folder : "";
}

bool WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return ::close(fd) == 0 && written;
}

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

CaseRun HarnessProblem(const std::string& what) {
  CaseRun run;
  run.outcome.verdict = harness::Verdict::kFailed;
  run.outcome.reason = "the grader could not run this case: " + what;
  run.killed_from_outside = true;
  return run;
}

CaseRun JudgeSeenCase(const Isolation& isolation, SeenCase seen) {
  harness::CaseProcess& process = seen.process;
  ReplaceAll(process.report, seen.shown_dir, "$TMP");
  ReplaceAll(process.output, seen.shown_dir, "$TMP");
  if (!seen.has_status) {
    if (seen.usage.memory_limit_reached) {
      process.status = SIGKILL;  // the OOM killer took the launcher too: as a kill of the case
    } else if (!process.timed_out && !process.flooded) {
      return HarnessProblem(seen.no_status_reason);
    }
  }
  CaseRun run;
  run.peak_memory_bytes = seen.usage.peak_memory_bytes;
  harness::CaseOutcome& outcome = run.outcome;
  outcome.output = process.output;
  outcome.output_bytes = process.output_bytes;
  harness::JudgeCase(process, seen.token, outcome);
  if (seen.usage.memory_limit_reached && !outcome.passed()) {
    outcome.reason += "; the case reached its memory limit (" +
                      std::to_string(isolation.case_memory_bytes >> 20) +
                      " MiB for all its processes together)";
  }
  // A SIGKILL that neither the grader (timeout, flood) nor a limit of the
  // case's own sent came from outside: another grader, the host's OOM
  // killer, an administrator.
  run.killed_from_outside = KilledBySigkill(outcome) && !process.flooded &&
                            !seen.usage.memory_limit_reached && !CpuLimitReachable(seen.ran);
  return run;
}

}  // namespace labkit::run::jail_parts

namespace labkit::run {

const std::string& SessionFolderParent() {
  static const std::string parent = [] {
    struct statfs kind {};
    struct statvfs flags {};
    const char* shm = "/dev/shm";
    const bool usable = ::statfs(shm, &kind) == 0 && kind.f_type == TMPFS_MAGIC &&
                        ::statvfs(shm, &flags) == 0 && (flags.f_flag & ST_RDONLY) == 0 &&
                        ::access(shm, W_OK | X_OK) == 0;
    return std::string(usable ? shm : "/tmp");
  }();
  return parent;
}

int RunFoldersOf(pid_t pid) {
  const std::string prefix = "labkit-run." + std::to_string(pid) + ".";
  int count = 0;
  for (const std::string& parent : std::set<std::string>{"/tmp", SessionFolderParent()}) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(parent, error)) {
      count += entry.path().filename().string().rfind(prefix, 0) == 0 ? 1 : 0;
    }
  }
  return count;
}

}  // namespace labkit::run
