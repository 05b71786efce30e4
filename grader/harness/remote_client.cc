#include "grader/harness/remote_client.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "grader/harness/case_process.h"
#include "grader/harness/channel.h"
#include "grader/harness/script.h"

namespace labkit::harness::remote {
namespace {

using Clock = std::chrono::steady_clock;

// Messages of recorded calls shown per answer: the student process sends
// them, so they are capped here too.
constexpr size_t kCallsShown = 64;

struct Split {
  bool started = false;
  bool stopped = false;
  bool reaped = false;
  pid_t child = -1;
  int pidfd = -1;
  int control_fd = -1;
  int report_fd = -1;
  int library_fd = -1;  // open until the student process has loaded it
  long user = -1;       // the student process's user; -1: this process's
  bool user_is_the_cases = false;  // the grader's own case user: nothing else runs as it
  int timeout_ms = 0;
  Clock::time_point deadline;
  std::string out_dir;
  std::string records;
  std::atomic<int>* interrupts_there = nullptr;
  std::mutex lock;                    // guards the control channel and `serving`
  std::map<pid_t, pid_t> serving;     // test thread -> student thread serving it
};
Split split;

struct Channel {
  int fd = -1;
  int depth = 0;  // calls in progress on this thread (a callback may call again)
  std::vector<std::function<std::string(wire::Reader&)>> callbacks;
};
thread_local Channel this_thread;

int MoveHigh(int fd) {
  if (fd < 0) return fd;
  int high = ::fcntl(fd, F_DUPFD_CLOEXEC, kFirstPrivateFd);
  ::close(fd);
  return high;
}

// In the student process: counts SIGUSR1 where the test can see it.
std::atomic<int>* interrupt_counter = nullptr;
void CountInterrupt(int) { interrupt_counter->fetch_add(1); }

struct Loader {
  const char* library;
  int control_fd;
};

// Runs on a thread of its own: a thread made by pthread_create knows its
// own id, which the first thread of a process made by a raw clone does not
// (glibc's raise() and abort() rely on it).
void* LoadAndServe(void* argument) {
  const Loader* loader = static_cast<const Loader*>(argument);
  void* library = ::dlopen(loader->library, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    std::fprintf(stderr, "labkit: cannot load the code under test: %s\n", ::dlerror());
    ::_exit(127);
  }
  auto serve = reinterpret_cast<int (*)(int)>(::dlsym(library, "labkit_serve"));
  if (serve == nullptr) ::_exit(127);
  ::_exit(serve(loader->control_fd));
}

// The student process, from the clone on: becomes the case's user with
// default signal actions, then loads the student's library and serves.
[[noreturn]] void StudentMain(const char* library, int control_fd, long user, pid_t test) {
  ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  struct sigaction action {};
  action.sa_handler = CountInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: tests interrupt blocked calls on purpose
  ::sigaction(SIGUSR1, &action, nullptr);
  ::umask(022);
  if (user >= 0 && (::setgroups(0, nullptr) != 0 || ::setresgid(user, user, user) != 0 ||
                    ::setresuid(user, user, user) != 0)) {
    std::perror("labkit: cannot become the case's user");
    ::_exit(126);
  }
  // Set after the change of user, which clears it.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != test) ::_exit(125);
  ::prctl(PR_SET_DUMPABLE, 1);  // the test reads /proc/<pid>/task/<tid>/syscall
  Loader loader{library, control_fd};
  pthread_t thread;
  if (::pthread_create(&thread, nullptr, LoadAndServe, &loader) != 0) ::_exit(124);
  ::pthread_join(thread, nullptr);
  ::_exit(0);
}

void WriteRecordsOut() {
  const std::string path = split.out_dir + "/report";
  int fd = split.out_dir.empty()
               ? split.report_fd
               : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;
  const char* data = split.records.data();
  size_t left = split.records.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data += n;
    left -= static_cast<size_t>(n);
  }
  ::close(fd);
}

void BeforeExit() {
  StopStudent();
  WriteRecordsOut();
}

[[noreturn]] void TimedOut() {
  RecordTimeout(split.timeout_ms);
  EndCaseProcess(0);
}

[[noreturn]] void Nonsense(const std::string& what) {
  throw std::runtime_error("the student process answered with a malformed message (" + what +
                           ")");
}

// The student process ended, or its end of the channel closed: record how
// it ended, then end the case. It shares the descriptor table, so it may
// have closed or replaced the pidfd too: a process still alive after the
// wait has broken the channel, which fails the case.
[[noreturn]] void StudentEnded() {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(split.deadline - Clock::now());
  pollfd ended{split.pidfd, POLLIN, 0};
  if (::poll(&ended, 1, std::max<int>(0, static_cast<int>(left.count()))) != 1) TimedOut();
  int status = 0;
  if (::waitpid(split.child, &status, WNOHANG) != split.child) Nonsense("it closed its channel");
  split.reaped = true;
  RecordStudentStatus(status);
  EndCaseProcess(0);
}

Channel& ThisThreadChannel() {
  if (this_thread.fd >= 0) return this_thread;
  if (!split.started) throw std::logic_error("a lab function was called before the case began");
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    throw std::runtime_error("socketpair failed for a call channel");
  }
  const int mine = MoveHigh(pair[0]), theirs = MoveHigh(pair[1]);
  {
    std::lock_guard<std::mutex> hold(split.lock);
    wire::Writer number;
    wire::Put(number, theirs);
    if (!channel::Send(split.control_fd, 'N', number.bytes())) StudentEnded();
  }
  channel::Message hello;
  switch (channel::Receive(mine, hello, split.deadline, split.pidfd)) {
    case channel::Received::kMessage: break;
    case channel::Received::kTimedOut: TimedOut();
    default: StudentEnded();
  }
  wire::Reader in(hello.payload);
  const pid_t serving = wire::Take<pid_t>(in);
  std::lock_guard<std::mutex> hold(split.lock);
  split.serving[::gettid()] = serving;
  this_thread.fd = mine;
  return this_thread;
}

}  // namespace

bool Active() { return std::getenv(kStudentLibraryVariable) != nullptr; }

void StartStudentProcess(int timeout_ms, int report_fd) {
  const char* library = std::getenv(kStudentLibraryVariable);
  const char* user = std::getenv(kStudentUserVariable);
  const char* out_dir = std::getenv(kOutDirVariable);
  // Without the grader's case user, as root the student process becomes
  // nobody, as it would on a student's machine (a port below 1024 is refused).
  constexpr long kNobody = 65534;
  split.user_is_the_cases = user != nullptr && *user != '\0';
  split.user = split.user_is_the_cases ? std::atol(user) : ::geteuid() == 0 ? kNobody : -1;
  split.out_dir = out_dir != nullptr ? out_dir : "";
  split.report_fd = report_fd;
  split.timeout_ms = timeout_ms;
  split.deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  void* page = ::mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) throw std::runtime_error("mmap failed");
  split.interrupts_there = interrupt_counter = new (page) std::atomic<int>(0);
  KeepRecordsInMemory(&split.records, BeforeExit);
  int control[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  split.control_fd = MoveHigh(control[0]);
  const int their_control = MoveHigh(control[1]);
  // Opened here, loaded there through /proc after the change of user: the
  // case's user need not be able to reach the file's folder.
  split.library_fd = MoveHigh(::open(library, O_RDONLY | O_CLOEXEC));
  if (split.library_fd < 0) throw std::runtime_error(std::string("cannot open ") + library);
  const std::string library_path = "/proc/self/fd/" + std::to_string(split.library_fd);
  // Files the test makes (socket paths, folders) must be usable by the
  // student's user, as they were when one process did both.
  ::umask(0);
  // Where both run as one user (no root), this keeps the student process
  // out of this one's memory and descriptors through /proc and ptrace.
  ::prctl(PR_SET_DUMPABLE, 0);
  std::fflush(nullptr);
  const pid_t test = ::getpid();
  long pid = ::syscall(SYS_clone, CLONE_FILES | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (pid < 0) throw std::runtime_error("clone failed");
  if (pid == 0) StudentMain(library_path.c_str(), their_control, split.user, test);
  split.child = static_cast<pid_t>(pid);
  split.pidfd = MoveHigh(static_cast<int>(::syscall(SYS_pidfd_open, split.child, 0)));
  split.started = true;
  ThisThreadChannel();  // the main thread's, now: a watcher may look for it at once
  ::close(split.library_fd);  // the channel answered: the library is loaded
}

// Every process of the student's: its own group, and as root every
// process of the case's user (a daemon may have left the group).
void StopStudent() {
  if (!split.started || split.stopped) return;
  split.stopped = true;
  if (split.user_is_the_cases && ::geteuid() == 0) {
    KillEveryProcessOf(static_cast<uid_t>(split.user));
  }
  ::kill(-split.child, SIGKILL);
  ::kill(split.child, SIGKILL);
  if (!split.reaped) ::waitpid(split.child, nullptr, 0);
  split.reaped = true;
}

std::string StopStudentAndReadToken() {
  StopStudent();
  std::string token;
  int fd = ::open((split.out_dir + "/token").c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return token;
  char buffer[128];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  ::close(fd);
  if (n > 0) token.assign(buffer, static_cast<size_t>(n));
  return token.substr(0, token.find('\n'));
}

std::string Exchange(const std::string& request) {
  Channel& channel = ThisThreadChannel();
  // What one process would share: a test may lower the descriptor limit for
  // the code under test, or change into a folder and use relative paths.
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  char cwd[4096] = "";
  wire::Writer call;
  wire::Put(call, static_cast<uint64_t>(files.rlim_cur));
  wire::Put(call, std::string(::getcwd(cwd, sizeof cwd) != nullptr ? cwd : ""));
  call.Bytes(request.data(), request.size());
  ++channel.depth;
  if (!channel::Send(channel.fd, 'Q', call.bytes())) StudentEnded();
  while (true) {
    channel::Message message;
    switch (channel::Receive(channel.fd, message, split.deadline, split.pidfd)) {
      case channel::Received::kMessage: break;
      case channel::Received::kTimedOut: TimedOut();
      case channel::Received::kMalformed: Nonsense("more than 64 MiB");
      default: StudentEnded();
    }
    wire::Reader in(message.payload);
    try {
      std::vector<std::string> calls = wire::Take<std::vector<std::string>>(in);
      if (calls.size() > kCallsShown) calls.resize(kCallsShown);
      RecordCallsOfStep(calls);
      if (message.kind == 'R') {
        if (--channel.depth == 0) channel.callbacks.clear();
        return std::string(in.rest());
      }
      if (message.kind != 'C') Nonsense("a message of unknown kind");
      const int64_t id = wire::Take<int64_t>(in);
      if (id < 0 || id >= static_cast<int64_t>(channel.callbacks.size())) {
        Nonsense("a call back of a function it was never given");
      }
      const std::string answer = channel.callbacks[id](in);
      if (!channel::Send(channel.fd, 'A', answer)) StudentEnded();
    } catch (const wire::MalformedMessage& e) {
      Nonsense(e.what());
    }
  }
}

int64_t KeepCallback(std::function<std::string(wire::Reader&)> callback) {
  this_thread.callbacks.push_back(std::move(callback));
  return static_cast<int64_t>(this_thread.callbacks.size()) - 1;
}

ThreadRef Serving(pid_t tid) {
  std::lock_guard<std::mutex> hold(split.lock);
  auto found = split.serving.find(tid);
  if (found == split.serving.end()) return {::getpid(), tid};
  return {split.child, found->second};
}

int InterruptsHandledThere() {
  return split.interrupts_there != nullptr ? split.interrupts_there->load() : 0;
}

}  // namespace labkit::harness::remote
