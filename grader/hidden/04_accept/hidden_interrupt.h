// Interrupting a blocked accept() on demand, without sleeping: a helper
// thread watches /proc until the server thread sleeps in accept, then sends
// it SIGUSR1, whose handler was installed without SA_RESTART, so accept
// fails with EINTR. The helper then plays the clients. It never touches the
// Script (only the case's main thread may); it keeps a log instead.
#pragma once

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {

inline std::atomic<int> interrupts_handled{0};

inline void CountInterrupt(int) { interrupts_handled.fetch_add(1); }

// A SIGUSR1 handler without SA_RESTART: a blocked accept returns EINTR.
inline void InstallInterruptHandler(harness::Script& s) {
  struct sigaction action {};
  action.sa_handler = CountInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  s.Sys("sigaction(SIGUSR1, a handler without SA_RESTART)",
        ::sigaction(SIGUSR1, &action, nullptr));
}

inline std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Whether thread `tid` sleeps (state S) in a call that waits for a client:
// accept or accept4, or a poll/select a loop may wait in before accepting.
inline bool SleepsWaitingForAClient(pid_t tid) {
  const std::string task = "/proc/self/task/" + std::to_string(tid);
  const long number = std::strtol(ReadSmallFile(task + "/syscall").c_str(), nullptr, 10);
  bool waiting = number == SYS_accept || number == SYS_accept4 || number == SYS_ppoll ||
                 number == SYS_pselect6 || number == SYS_epoll_pwait;
#ifdef SYS_poll
  waiting = waiting || number == SYS_poll || number == SYS_select || number == SYS_epoll_wait;
#endif
  if (!waiting) return false;
  const std::string stat = ReadSmallFile(task + "/stat");
  const size_t name_end = stat.rfind(')');  // the state follows the (name)
  return name_end != std::string::npos && stat.compare(name_end, 3, ") S") == 0;
}

// Spins, yielding the CPU, until `done` or `timeout_ms` passes.
template <typename Done>
bool SpinUntil(Done done, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    ::sched_yield();
  }
  return true;
}

// The helper thread: before each client, interrupts the server thread's
// wait, then connects, sends one line and reads the answer to the end.
struct InterruptingClients {
  pid_t server_tid;
  sockaddr_storage address;
  socklen_t length;
  std::vector<std::string> log;           // what happened, for the transcript
  std::vector<harness::Named> received;  // per client, as ReadToEnd shows it
  std::string failure;                    // the first thing that went wrong

  void Run(int clients) {
    for (int i = 1; i <= clients; ++i) {
      const std::string name = "client " + std::to_string(i);
      Interrupt(i);
      int fd = ::socket(address.ss_family, SOCK_STREAM, 0);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
        Failed("connect(" + name + ") failed: " + harness::ErrnoName(errno));
        return;
      }
      BoundWaits(fd);
      const std::string line = name + "\n";
      ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
      log.push_back(name + " connected and sent " + harness::EscapeBytes(line));
      received.push_back(ReadToEnd(fd));
      ::close(fd);
    }
  }

  void Interrupt(int round) {
    if (!SpinUntil([&] { return SleepsWaitingForAClient(server_tid); }, 1000)) {
      return Failed("the server thread never slept in accept() within 1000 ms");
    }
    ::tgkill(::getpid(), server_tid, SIGUSR1);
    if (!SpinUntil([&] { return interrupts_handled.load() >= round; }, 1000)) {
      return Failed("the SIGUSR1 handler never ran");
    }
    log.push_back("SIGUSR1 interrupted the server thread's accept() (interruption " +
                  std::to_string(round) + ")");
  }

  void Failed(const std::string& what) {
    log.push_back(what);
    if (failure.empty()) failure = what;
  }
};

}  // namespace labkit::lab04
