// Interrupting a blocked accept() on demand, without sleeping: a helper
// thread waits until the server thread sleeps in accept (or in a poll before
// it), then sends it SIGUSR1, whose handler was installed without
// SA_RESTART, so accept fails with EINTR (see grader/harness/interrupt.h).
// The helper then plays the clients. It never touches the Script (only the
// case's main thread may); it keeps a log instead.
#pragma once

#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "grader/harness/interrupt.h"
#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {

// Whether thread `tid` sleeps in a call that waits for a client: accept or
// accept4, or a poll/select a loop may wait in before accepting.
inline bool SleepsWaitingForAClient(pid_t tid) {
  return harness::SleepsIn(tid, {SYS_accept, SYS_accept4}) ||
         harness::SleepsIn(tid, harness::ReadinessWaits());
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
      harness::BoundWaits(fd, kWaitMs);
      const std::string line = name + "\n";
      ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
      log.push_back(name + " connected and sent " + harness::EscapeBytes(line));
      received.push_back(ReadToEnd(fd));
      ::close(fd);
    }
  }

  void Interrupt(int round) {
    switch (harness::Interrupt(
        server_tid, [this] { return SleepsWaitingForAClient(server_tid); }, 1000)) {
      case harness::Interruption::kNeverBlocked:
        return Failed("the server thread never slept in accept() within 1000 ms");
      case harness::Interruption::kHandlerNeverRan:
        return Failed("the SIGUSR1 handler never ran");
      case harness::Interruption::kDone:
        break;
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
