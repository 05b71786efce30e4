#include "grader/facts/fact_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace labkit::facts {
namespace {

using Clock = std::chrono::steady_clock;

// A 1 ms pause between two looks at a condition that has a deadline.
void Pause() { ::poll(nullptr, 0, 1); }

std::vector<std::string>& Differences() {
  static std::vector<std::string> seen;
  return seen;
}

std::vector<std::string>& TempDirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

void RemoveTempDirs() {
  std::error_code ignored;
  for (const std::string& dir : TempDirs()) std::filesystem::remove_all(dir, ignored);
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// Whether thread `tid` of this process sleeps (state S) in one of `calls`.
bool SleepsIn(pid_t tid, const std::vector<long>& calls) {
  const std::string task = "/proc/self/task/" + std::to_string(tid);
  std::istringstream syscall_line(ReadFirstLine(task + "/syscall"));
  long number = -1;
  if (!(syscall_line >> number)) return false;  // "running", or gone
  if (std::find(calls.begin(), calls.end(), number) == calls.end()) return false;
  const std::string stat = ReadFirstLine(task + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'S';
}

std::atomic<int> g_signals_handled{0};
void CountSignal(int) { g_signals_handled.fetch_add(1); }

}  // namespace

int ErrnoOf(long result) { return result < 0 ? errno : 0; }

std::string ErrnoName(int error) {
  if (error == 0) return "0 (success)";
  const char* name = ::strerrorname_np(error);
  return name ? name : "errno " + std::to_string(error);
}

void Bound(int fd, int ms) {
  timeval limit{ms / 1000, (ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

short WaitFor(int fd, short events, int ms) {
  pollfd entry{fd, events, 0};
  return ::poll(&entry, 1, ms) == 1 ? entry.revents : 0;
}

bool WaitUntil(const std::function<bool()>& condition, int ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    Pause();
  }
  return true;
}

sockaddr_in Inet4(const char* ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &address.sin_addr);
  return address;
}

sockaddr_in6 Inet6(const char* ip, uint16_t port) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  ::inet_pton(AF_INET6, ip, &address.sin6_addr);
  return address;
}

sockaddr_un UnixPath(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), std::min(path.size(), sizeof address.sun_path));
  return address;
}

const sockaddr* Sa(const void* address) { return static_cast<const sockaddr*>(address); }
sockaddr* Sa(void* address) { return static_cast<sockaddr*>(address); }

uint16_t PortOf(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return 0;
}

Fd BoundSocket(int family, int type, const char* ip) {
  Fd fd(::socket(family, type, 0));
  if (family == AF_INET) {
    sockaddr_in address = Inet4(ip, 0);
    if (::bind(fd.get(), Sa(&address), sizeof address) != 0) fd.reset();
  } else {
    sockaddr_in6 address = Inet6(ip, 0);
    if (::bind(fd.get(), Sa(&address), sizeof address) != 0) fd.reset();
  }
  if (fd.valid()) Bound(fd.get());
  return fd;
}

Fd TcpListener(const char* ip, int backlog) {
  Fd fd = BoundSocket(std::strchr(ip, ':') ? AF_INET6 : AF_INET, SOCK_STREAM, ip);
  if (fd.valid() && ::listen(fd.get(), backlog) != 0) fd.reset();
  return fd;
}

Fd ConnectTo(int listener) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  Fd fd(::socket(address.ss_family, SOCK_STREAM, 0));
  Bound(fd.get());
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) fd.reset();
  return fd;
}

Fd AcceptFrom(int listener) {
  if (!(WaitFor(listener, POLLIN) & POLLIN)) return Fd();
  Fd fd(::accept(listener, nullptr, nullptr));
  if (fd.valid()) Bound(fd.get());
  return fd;
}

uint16_t ClosedPort(int type, const char* ip) {
  Fd fd = BoundSocket(AF_INET, type, ip);
  return PortOf(fd.get());  // closed when fd goes out of scope
}

std::pair<Fd, Fd> TcpPair() {
  Fd listener = TcpListener();
  Fd client = ConnectTo(listener.get());
  Fd server = AcceptFrom(listener.get());
  return {std::move(client), std::move(server)};
}

std::vector<TcpEntry> TcpTable() {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the header
  std::vector<TcpEntry> entries;
  while (std::getline(in, line)) {
    TcpEntry e;
    if (std::sscanf(line.c_str(), " %*d: %*x:%x %*x:%x %x %*x:%lx %x:%lx", &e.local_port,
                    &e.remote_port, &e.state, &e.unread, &e.timer, &e.ticks_left) == 6) {
      entries.push_back(e);
    }
  }
  return entries;
}

std::string Sysctl(const std::string& name) {
  std::string line = ReadFirstLine("/proc/sys/" + name);
  for (char& c : line) {
    if (c == '\t') c = ' ';
  }
  return line;
}

std::vector<long> SysctlNumbers(const std::string& name) {
  std::istringstream in(Sysctl(name));
  std::vector<long> numbers;
  for (long n; in >> n;) numbers.push_back(n);
  return numbers;
}

std::string TempDir() {
  char pattern[] = "/tmp/facts.XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return "";
  ::chmod(pattern, 0755);  // an unprivileged child may need to look inside
  if (TempDirs().empty()) std::atexit(RemoveTempDirs);
  TempDirs().push_back(pattern);
  return pattern;
}

InDirectory::InDirectory(const std::string& dir) : back_(::open(".", O_RDONLY | O_DIRECTORY)) {
  entered_ = back_.valid() && ::chdir(dir.c_str()) == 0;
}

InDirectory::~InDirectory() {
  if (entered_ && ::fchdir(back_.get()) != 0) ADD_FAILURE() << "cannot go back: " << ErrnoName(errno);
}

namespace {
std::string CurrentTest() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return test ? std::string(test->test_suite_name()) + "." + test->name() : "?";
}
}  // namespace

void SeenHere(const std::string& what) {
  std::cout << "seen here: " << CurrentTest() << ": " << what << std::endl;
  ::testing::Test::RecordProperty("seen_here", what);
}

void DiffersHere(const std::string& what) {
  const std::string name = CurrentTest();
  std::cout << "differs here: " << name << ": " << what << std::endl;
  ::testing::Test::RecordProperty("differs_here", what);
  Differences().push_back(name + ": " + what);
}

const std::vector<std::string>& DifferencesSeen() { return Differences(); }

int AsUnprivileged(const std::function<int()>& body, std::string* why) {
  if (::geteuid() != 0) return body();
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *why = "pipe2 failed: " + ErrnoName(errno);
    return -1;
  }
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    int reply[2] = {0, 0};  // {dropped privileges?, body's result or errno}
    if (::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 &&
        ::setresuid(65534, 65534, 65534) == 0) {
      reply[0] = 1;
      reply[1] = body();
    } else {
      reply[1] = errno;
    }
    ssize_t written = ::write(fds[1], reply, sizeof reply);
    ::_exit(written == sizeof reply ? 0 : 1);
  }
  ::close(fds[1]);
  int reply[2] = {0, 0};
  bool answered = child > 0 && (WaitFor(fds[0], POLLIN, 5000) & POLLIN) &&
                  ::read(fds[0], reply, sizeof reply) == sizeof reply;
  ::close(fds[0]);
  if (child > 0) {
    if (!answered) ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
  }
  if (!answered) {
    *why = child < 0 ? "fork failed" : "the unprivileged child gave no answer within 5 s";
    return -1;
  }
  if (reply[0] != 1) {
    *why = "cannot become uid 65534 here: " + ErrnoName(reply[1]);
    return -1;
  }
  return reply[1];
}

Interrupted InterruptBlockedCall(const std::function<long()>& call,
                                 const std::vector<long>& syscalls, bool sa_restart,
                                 const std::function<void()>& unblock) {
  struct sigaction action {}, previous{};
  action.sa_handler = CountSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = sa_restart ? SA_RESTART : 0;
  ::sigaction(SIGUSR1, &action, &previous);

  Interrupted out;
  std::atomic<pid_t> tid{0};
  std::atomic<bool> done{false};
  const int handled_before = g_signals_handled.load();
  std::thread thread([&] {
    tid = static_cast<pid_t>(::syscall(SYS_gettid));
    out.result = call();
    out.error = ErrnoOf(out.result);
    done = true;
  });
  auto deadline = Clock::now() + std::chrono::milliseconds(kBoundMs);
  while (!done && Clock::now() < deadline && !(out.blocked = tid && SleepsIn(tid, syscalls))) {
    Pause();
  }
  if (out.blocked) {
    ::syscall(SYS_tgkill, ::getpid(), tid.load(), SIGUSR1);
    deadline = Clock::now() + std::chrono::milliseconds(kBoundMs);
    while (!done && Clock::now() < deadline) {
      // Asleep in the same call after the handler ran: the kernel restarted it.
      if (g_signals_handled.load() > handled_before && SleepsIn(tid, syscalls)) {
        out.restarted = true;
        break;
      }
      Pause();
    }
    if (!done && !out.restarted) out.problem = "the call neither returned nor restarted";
  } else if (!done) {
    out.problem = "the thread never slept in the call within " + std::to_string(kBoundMs) + " ms";
  }
  if (!done) unblock();
  deadline = Clock::now() + std::chrono::milliseconds(kBoundMs);
  while (!done && Clock::now() < deadline) Pause();
  if (!done) {
    // Joining would hang the whole suite: fail loudly instead.
    std::cerr << "facts: a blocked call did not return after it was unblocked\n";
    std::abort();
  }
  thread.join();
  out.returned = true;
  ::sigaction(SIGUSR1, &previous, nullptr);
  return out;
}

}  // namespace labkit::facts
