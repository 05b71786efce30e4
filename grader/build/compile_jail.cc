#include "grader/build/compile_jail.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "grader/build/include_prefix.h"
#include "grader/files/whole_file.h"

namespace labkit::build {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kCompileUser = 65534;  // nobody: owns no file a grade needs
constexpr const char* kKitInJail = "/kit";
constexpr const char* kOutInJail = "/out";
constexpr const char* kObjectName = "object.o";
constexpr const char* kLibraryName = "library.so";
constexpr const char* kRuleName = "files.d";  // what a precompiled header read
constexpr size_t kTailBytes = 512;  // the end of the output, to tell why it stopped

// The flags Bazel compiles lab code with (.bazelrc, and the defaults of
// Bazel's toolchain; -O0: only the kit's own code is optimized), plus -fPIC
// so the object links into an executable or a shared library.
// The redacted dates and the fixed seed make equal sources equal objects.
const char* const kCompilerFlags[] = {
    "-std=c++20", "-Wall", "-Wextra", "-fPIC", "-fstack-protector", "-fno-omit-frame-pointer",
    "-Wno-builtin-macro-redefined", "-D__DATE__=\"redacted\"", "-D__TIMESTAMP__=\"redacted\"",
    "-D__TIME__=\"redacted\"", "-fdiagnostics-color=never"};

bool IsRoot() { return ::geteuid() == 0; }

void Append(std::vector<std::string>& args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
}

// bubblewrap: /usr read-only, /kit read-only, /out writable, an empty /tmp;
// no /proc, /dev, /etc or home; no network, its own pid namespace. As root
// it needs no user namespace, and setpriv makes the compiler nobody (a real
// unprivileged uid, so RLIMIT_NPROC counts); otherwise bubblewrap's user
// namespace maps the grader's own user.
std::vector<std::string> JailArguments(const std::string& kit_dir, const std::string& out_dir) {
  std::vector<std::string> args = {"/usr/bin/bwrap"};
  if (IsRoot()) {
    Append(args, {"--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                  "--unshare-cgroup-try"});
  } else {
    Append(args, {"--unshare-all"});
  }
  Append(args, {"--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
                "--symlink", "usr/bin", "/bin", "--size", "67108864", "--perms", "1777",
                "--tmpfs", "/tmp", "--ro-bind", kit_dir, kKitInJail, "--bind", out_dir,
                kOutInJail, "--chdir", kKitInJail, "--clearenv", "--setenv", "PATH",
                "/usr/bin", "--setenv", "TMPDIR", "/tmp"});
  if (IsRoot()) {
    const std::string id = std::to_string(kCompileUser);
    Append(args, {"--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "/usr/bin/setpriv",
                  "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"});
  }
  return args;
}

struct Finished {
  bool timed_out = false;
  int status = 0;
  std::string head;  // the first message_bytes of the output
  std::string tail;  // its last kTailBytes
  size_t total = 0;
};

void Limit(int resource, rlim_t value) {
  rlimit limit{value, value};
  ::setrlimit(resource, &limit);
}

// Runs `argv` in `dir` under the limits, its stdout and stderr collected,
// and kills its process group at the wall clock. Everything the child
// does before exec is async-signal-safe: the grader has other threads.
Finished RunLimited(std::vector<std::string> argv, const CompileLimits& limits,
                    bool drop_user, const std::string& dir) {
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  char path[] = "PATH=/usr/bin", tmpdir[] = "TMPDIR=/tmp";
  char* env[] = {path, tmpdir, nullptr};
  int output[2];
  if (::pipe2(output, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(output[1], STDOUT_FILENO);
    ::dup2(output[1], STDERR_FILENO);
    ::close_range(3, ~0u, 0);
    Limit(RLIMIT_AS, limits.memory_bytes);
    Limit(RLIMIT_FSIZE, limits.file_bytes);
    Limit(RLIMIT_CPU, limits.seconds + 5);  // the wall clock comes first
    Limit(RLIMIT_NOFILE, 256);
    Limit(RLIMIT_CORE, 0);
    // Root's own processes are exempt, nobody's are not; another user's
    // count would include its whole session.
    if (IsRoot()) Limit(RLIMIT_NPROC, limits.processes);
    const uid_t user = kCompileUser;
    if (drop_user && (::setgroups(0, nullptr) != 0 || ::setresgid(user, user, user) != 0 ||
                      ::setresuid(user, user, user) != 0)) {
      ::_exit(126);
    }
    if (!dir.empty() && ::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), env);
    ::_exit(127);
  }
  ::close(output[1]);
  if (devnull >= 0) ::close(devnull);
  if (pid < 0) {
    ::close(output[0]);
    throw std::runtime_error("fork failed");
  }
  Finished finished;
  // Readable once the child exits (glibc 2.36's header lacks extern "C").
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.seconds);
  bool eof = false, exited = false;
  char buffer[4096];
  while (!(eof && exited)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      finished.timed_out = true;
      break;
    }
    pollfd ready[2] = {{eof ? -1 : output[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (::poll(ready, 2, static_cast<int>(left)) < 0 && errno != EINTR) break;
    if (ready[0].revents != 0) {
      const ssize_t n = ::read(output[0], buffer, sizeof buffer);
      if (n > 0) {
        const size_t room = limits.message_bytes - std::min(limits.message_bytes, finished.head.size());
        finished.head.append(buffer, std::min<size_t>(n, room));
        finished.tail.append(buffer, n);
        finished.tail.erase(0, finished.tail.size() - std::min(finished.tail.size(), kTailBytes));
        finished.total += n;
      } else if (n == 0 || errno != EINTR) {
        eof = true;
      }
    }
    exited = exited || ready[1].revents != 0 || (pidfd < 0 && eof);
  }
  // Killing the jail's outer process ends the rest: --die-with-parent.
  if (finished.timed_out) ::killpg(pid, SIGKILL);
  ::waitpid(pid, &finished.status, 0);
  if (pidfd >= 0) ::close(pidfd);
  ::close(output[0]);
  return finished;
}

// Why `tool` ("compiler", "linker") stopped, when a limit stopped it; ""
// otherwise.
std::string LimitReason(const Finished& run, const CompileLimits& limits, const std::string& tool) {
  const std::string seen = run.head + run.tail;
  auto said = [&](const char* text) { return seen.find(text) != std::string::npos; };
  if (run.timed_out || said("CPU time limit exceeded")) {
    return (tool == "linker" ? "linking" : "compilation") + std::string(" stopped after ") +
           std::to_string(limits.seconds) + " s";
  }
  if (said("out of memory") || said("memory exhausted") || said("Cannot allocate memory") ||
      said("bad_alloc")) {
    return "the " + tool + " ran out of memory (the limit is " +
           std::to_string(limits.memory_bytes >> 20) + " MiB)";
  }
  if (said("File size limit exceeded") || said("File too large")) {
    return "the " + tool + "'s output went over " + std::to_string(limits.file_bytes >> 20) + " MiB";
  }
  return "";
}

// The messages a student sees: kit-relative, and no more than the cap.
std::string Messages(const Finished& run, const std::vector<std::string>& hidden_prefixes,
                     const std::string& tool) {
  std::string text = run.head;
  if (run.total > text.size()) {
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    text += "[... the rest of the " + tool + "'s output (" + std::to_string(run.total) +
            " bytes in all) is not shown]\n";
  }
  // Only where a path starts: "/kit/labs/x.h", not ".../kit/x" inside another.
  for (const std::string& prefix : hidden_prefixes) {
    const std::string from = prefix + "/";
    for (size_t at = 0; (at = text.find(from, at)) != std::string::npos;) {
      const char before = at == 0 ? ' ' : text[at - 1];
      if (std::isalnum(static_cast<unsigned char>(before)) || std::strchr("._-/", before)) {
        at += from.size();
      } else {
        text.erase(at, from.size());
      }
    }
  }
  return text;
}

// Copies the object out of the compiler's folder; never through a link.
bool CopyObject(const std::string& from, const std::string& to, uint64_t max_bytes) {
  const int in = ::open(from.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat info;
  if (in < 0) return false;
  bool ok = ::fstat(in, &info) == 0 && S_ISREG(info.st_mode) &&
            static_cast<uint64_t>(info.st_size) <= max_bytes;
  const int out = ok ? ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
  char buffer[65536];
  for (ssize_t n; ok && (n = ::read(in, buffer, sizeof buffer)) != 0;) {
    ok = n > 0 && out >= 0 && ::write(out, buffer, n) == n;
  }
  ::close(in);
  if (out >= 0) ::close(out);
  return ok && out >= 0;
}

// The outcome of a run of `tool` that makes `made` (in its output folder),
// copied to `to` when it succeeded.
CompileOutcome OutcomeOf(const Finished& run, const CompileLimits& limits,
                         const std::vector<std::string>& hidden_prefixes, const std::string& tool,
                         const std::string& made, const std::string& to) {
  CompileOutcome outcome;
  outcome.messages = Messages(run, hidden_prefixes, tool);
  const std::string reason = LimitReason(run, limits, tool);
  if (!reason.empty()) {
    outcome.messages = reason + "\n" + outcome.messages;
    outcome.limit_reached = true;
  } else if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
    if (outcome.messages.empty()) {
      outcome.messages = "the " + tool + " failed with status " + std::to_string(run.status) + "\n";
    }
  } else if (!CopyObject(made, to, limits.file_bytes)) {
    outcome.messages = "the " + tool + " made no output file\n" + outcome.messages;
  } else {
    outcome.ok = true;
  }
  return outcome;
}

// The files a make rule (g++ -MD) lists after its target, kit-relative
// where they are under `kit_seen`.
std::vector<std::string> FilesOfRule(const std::string& path, const std::string& kit_seen) {
  std::string text = files::ReadWholeFileOrEmpty(path);
  const size_t colon = text.find(": ");
  text = colon == std::string::npos ? "" : text.substr(colon + 2);
  std::vector<std::string> files;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (word == "\\") continue;
    if (word.rfind(kit_seen + "/", 0) == 0) word.erase(0, kit_seen.size() + 1);
    files.push_back(word);
  }
  return files;
}

// An output folder only the compile user (or, without root, this one) writes.
void MakeOutputDir(const std::string& dir) {
  fs::create_directories(dir);
  if (IsRoot() && ::chown(dir.c_str(), kCompileUser, kCompileUser) != 0) {
    throw std::runtime_error("cannot hand " + dir + " to the compile user");
  }
  ::chmod(dir.c_str(), 0700);
}

CompileIsolation Probe() {
  if (std::getenv("LABKIT_NO_JAIL") != nullptr) {
    return {false, "student files were compiled without a jail (LABKIT_NO_JAIL is set), "
                   "under rlimits, a wall clock and an unprivileged user only"};
  }
  char dir[] = "/tmp/labkit-compile-probe.XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("cannot create a folder in /tmp");
  MakeReadableDirs(std::string(dir) + "/kit");
  MakeOutputDir(std::string(dir) + "/out");
  std::vector<std::string> args = JailArguments(std::string(dir) + "/kit", std::string(dir) + "/out");
  args.push_back("/usr/bin/g++");
  args.push_back("--version");
  CompileLimits limits;
  limits.seconds = 30;
  Finished run = RunLimited(args, limits, false, "");
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  if (!run.timed_out && WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) {
    return {true, "compiled in bubblewrap as an unprivileged user, seeing only /usr and the "
                  "lab's headers, under rlimits and a wall clock"};
  }
  std::string said = run.head.substr(0, run.head.find('\n'));
  if (WIFEXITED(run.status) && WEXITSTATUS(run.status) == 127) said = "bwrap is not installed";
  if (said.empty()) said = "exit status " + std::to_string(WEXITSTATUS(run.status));
  return {false, "student files were compiled without a jail (bubblewrap could not start: " +
                     said + "), under rlimits, a wall clock and an unprivileged user only"};
}

}  // namespace

void MakeReadableDirs(fs::path dir, const fs::path& relative) {
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0755);
  for (const fs::path& part : relative) {
    dir /= part;
    fs::create_directory(dir);
    ::chmod(dir.c_str(), 0755);
  }
}

void CopyReadable(const fs::path& from, const fs::path& to_root, const fs::path& relative) {
  MakeReadableDirs(to_root, relative.parent_path());
  const fs::path to = to_root / relative;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                          fs::perms::others_read);
}

void LinkReadable(const fs::path& from, const fs::path& to_root, const fs::path& relative) {
  MakeReadableDirs(to_root, relative.parent_path());
  std::error_code not_linked;
  fs::create_hard_link(from, to_root / relative, not_linked);
  if (not_linked) CopyReadable(from, to_root, relative);
}

CompileLimits LimitsFromEnvironment() {
  CompileLimits limits;
  if (const char* seconds = std::getenv("LABKIT_COMPILE_SECONDS"); seconds != nullptr) {
    const int value = std::atoi(seconds);
    if (value > 0 && value <= 3600) limits.seconds = value;
  }
  return limits;
}

const CompileIsolation& CompileIsolationHere() {
  static const CompileIsolation isolation = Probe();
  return isolation;
}

CompileOutcome CompileInJail(const CompileJob& job, const CompileLimits& limits) {
  // The jail's view: the headers and the student's file at their kit paths.
  const std::string kit_dir = job.work_dir + "/kit", out_dir = job.work_dir + "/out";
  MakeReadableDirs(kit_dir);
  for (const std::string& header : job.headers) {
    CopyReadable(job.kit_root + "/" + header, kit_dir, header);
  }
  CopyReadable(job.source, kit_dir, job.kit_path);
  if (!job.prefix_header.empty()) {
    const fs::path beside = fs::path(job.kit_path).parent_path() / kPrefixHeaderName;
    CopyReadable(job.prefix_header, kit_dir, beside);
    // Tens of megabytes: a link, not a copy, where the folders allow it.
    LinkReadable(job.prefix_header + ".gch", kit_dir, beside.string() + ".gch");
  }
  MakeOutputDir(out_dir);

  const bool jailed = CompileIsolationHere().jailed;
  const std::string kit_seen = jailed ? kKitInJail : kit_dir;
  const std::string out_seen = jailed ? kOutInJail : out_dir;
  std::vector<std::string> args = jailed ? JailArguments(kit_dir, out_dir) : std::vector<std::string>{};
  args.push_back("/usr/bin/g++");
  for (const char* flag : kCompilerFlags) args.push_back(flag);
  for (const std::string& arg : {"-frandom-seed=" + job.kit_path, std::string("-iquote"), kit_seen}) {
    args.push_back(arg);
  }
  if (job.precompile) {
    for (const char* arg : {"-x", "c++-header", "-MD", "-MF"}) args.push_back(arg);
    args.push_back(out_seen + "/" + kRuleName);
  } else {
    args.push_back("-c");
  }
  for (const std::string& arg : {job.kit_path, std::string("-o"), out_seen + "/" + kObjectName}) {
    args.push_back(arg);
  }
  const Finished run = RunLimited(args, limits, !jailed && IsRoot(), jailed ? "" : kit_dir);
  CompileOutcome outcome = OutcomeOf(run, limits, {kit_seen, out_seen}, "compiler",
                                     out_dir + "/" + kObjectName, job.object);
  if (outcome.ok && job.precompile) {
    outcome.files_read = FilesOfRule(out_dir + "/" + kRuleName, kit_seen);
  }
  return outcome;
}

CompileOutcome LinkInJail(const LinkJob& job, const CompileLimits& limits) {
  const std::string out_dir = job.work_dir + "/out";
  MakeOutputDir(out_dir);
  const bool jailed = CompileIsolationHere().jailed;
  const std::string kit_seen = jailed ? kKitInJail : job.kit_dir;
  const std::string out_seen = jailed ? kOutInJail : out_dir;
  std::vector<std::string> args = jailed ? JailArguments(job.kit_dir, out_dir) : std::vector<std::string>{};
  // The driver of Bazel's toolchain, which linked the reference.
  args.push_back("/usr/bin/gcc");
  for (const std::string& arg : job.arguments) {
    args.push_back(arg == kLinkOutputMark ? out_seen + "/" + kLibraryName : arg);
  }
  const Finished run = RunLimited(args, limits, !jailed && IsRoot(), jailed ? "" : job.kit_dir);
  return OutcomeOf(run, limits, {kit_seen, out_seen}, "linker", out_dir + "/" + kLibraryName,
                   job.library);
}

std::string CompilerFlagsText() {
  std::string text;
  for (const char* flag : kCompilerFlags) text += std::string(flag) + " ";
  return text;
}

}  // namespace labkit::build
