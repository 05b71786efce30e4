// Helpers of lab 08's hidden server cases: the CPU time the server spends,
// and clients that send and read on the peers' thread.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>

#include "grader/harness/loopback.h"
#include "grader/harness/remote_client.h"
#include "labs/08_poll_server/test_support.h"

namespace labkit::lab08 {

// Clock ticks of CPU (user + system) the thread that runs `tid`'s calls of
// the lab has used: in a split case the student process's thread serving
// it (remote_client.h), else `tid` itself. -1 if it cannot be read.
inline long CpuTicks(pid_t tid) {
  const harness::remote::ThreadRef where = harness::remote::Serving(tid);
  const std::string stat = harness::ReadFile("/proc/" + std::to_string(where.process) +
                                             "/task/" + std::to_string(where.thread) + "/stat");
  // Fields after the "(name)": state is field 3, utime 14 and stime 15.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return -1;
  std::istringstream fields(stat.substr(name_end + 2));
  std::string field;
  long utime = -1, stime = -1;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime = std::stol(field);
    if (number == 15) stime = std::stol(field);
  }
  return utime < 0 || stime < 0 ? -1 : utime + stime;
}

inline long TicksPerSecond() { return ::sysconf(_SC_CLK_TCK); }

// How long the peers watch an idle server, and the most CPU it may use
// meanwhile: a server asleep in poll() uses none, a busy loop all it gets.
inline constexpr int kIdleWindowMs = 600;
inline constexpr int kIdleCpuBudgetMs = 100;

// Watches, for kIdleWindowMs, that the server sends `fd` nothing (it has
// nothing to say to it) and spends almost no CPU meanwhile. `server_tid` is
// the thread that called RunServer.
inline bool ExpectIdle(Peers& peers, pid_t server_tid, int fd, const std::string& name) {
  const long before = CpuTicks(server_tid);
  if (peers.Await(fd, POLLIN, kIdleWindowMs)) {
    return peers.Fail("the server sent " + name + " something, or closed it, unasked");
  }
  const long after = CpuTicks(server_tid);
  if (before < 0 || after < 0) return peers.Fail("cannot read the server thread's CPU time");
  const long used_ms = (after - before) * 1000 / TicksPerSecond();
  peers.Log("the server used " + std::to_string(used_ms) + " ms of CPU in " +
            std::to_string(kIdleWindowMs) + " ms while nobody talked to it");
  if (used_ms > kIdleCpuBudgetMs) {
    return peers.Fail("the server used " + std::to_string(used_ms) + " ms of CPU in " +
                      std::to_string(kIdleWindowMs) +
                      " ms with nothing to do: a busy loop (POLLOUT asked for with nothing to "
                      "send, or a closed client left in the poll set?)");
  }
  return true;
}

// Sends all of `bytes` on the test's blocking, bounded socket.
inline bool SendAll(Peers& peers, int fd, const std::string& name, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return peers.Fail(name + ": send failed after " + std::to_string(sent) + " bytes: " +
                        harness::ErrnoName(errno));
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

// A client that says `line` and expects its answer.
inline bool Exchange(Peers& peers, int fd, const std::string& name, const std::string& line) {
  return SendAll(peers, fd, name, line + "\n") && peers.ExpectReceive(fd, name, Reply(line));
}

// Resets the connection of a socket of the test's own.
inline void Reset(int fd) {
  linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  ::close(fd);
}

}  // namespace labkit::lab08
