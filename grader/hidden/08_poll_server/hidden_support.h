// Helpers of lab 08's hidden server cases: clients that send and read on
// the peers' thread, and what they see of the server without waiting a
// fixed time: whether it sleeps in poll, and what it has not read.
#pragma once

#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "grader/harness/interrupt.h"
#include "grader/harness/loopback.h"
#include "labs/08_poll_server/test_support.h"

namespace labkit::lab08 {

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

// Whether the thread that runs `server_tid`'s RunServer (in a split case,
// the student process's thread serving it) sleeps in poll, select or
// epoll_wait. A server with nothing to do sleeps there; a busy loop
// (POLLOUT asked for with nothing to send, a closed client left in the
// set) never does, because a wait with a ready descriptor returns at once.
inline bool Asleep(pid_t server_tid) {
  return harness::SleepsIn(server_tid, harness::ReadinessWaits());
}

// Bytes the test's socket `fd` sent that the other end has not taken
// (SIOCOUTQ): on AF_UNIX, what the server has not read yet; on TCP, what
// the server's kernel has not acknowledged. -1 if it cannot be read.
inline int Unread(int fd) {
  int bytes = -1;
  return ::ioctl(fd, SIOCOUTQ, &bytes) == 0 ? bytes : -1;
}

// Whether `fd` has something to read (or was closed) right now.
inline bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// Waits, bounded, until the server sleeps in poll (Asleep).
inline bool ExpectAsleep(Peers& peers, pid_t server_tid, const std::string& when) {
  if (harness::SpinUntil([&] { return Asleep(server_tid); }, kWaitMs, &peers.server_done)) {
    return true;
  }
  return peers.Fail("the server never slept in poll within " + std::to_string(kWaitMs) +
                    " ms " + when +
                    ": a busy loop (POLLOUT asked for with nothing to send, or a client that "
                    "left still in the poll set?)");
}

// Waits, bounded, until the server has read all that `fd` sent: the bytes
// reached the server's socket (Unread 0), and after that the server sleeps
// in poll, which it would not while they waited there to be read.
inline bool ExpectTaken(Peers& peers, pid_t server_tid, int fd, const std::string& name) {
  if (!harness::SpinUntil([&] { return Unread(fd) == 0; }, kWaitMs, &peers.server_done)) {
    return peers.Fail(name + ": what it sent did not reach the server within " +
                      std::to_string(kWaitMs) + " ms");
  }
  return ExpectAsleep(peers, server_tid, "once " + name + "'s bytes reached it");
}

// With nothing left to do, the server must sleep in poll, send `fd`
// nothing unasked, and still answer: it sleeps, `fd` has nothing waiting,
// `fd` exchanges "idle?", and the server sleeps again. `server_tid` is the
// thread that called RunServer.
inline bool ExpectIdle(Peers& peers, pid_t server_tid, int fd, const std::string& name) {
  if (!ExpectAsleep(peers, server_tid, "with nothing to do")) return false;
  if (Readable(fd)) {
    return peers.Fail("the server sent " + name + " something, or closed it, unasked");
  }
  peers.Log("the server sleeps in poll while nobody talks to it");
  const std::string line = "idle?";
  if (!SendAll(peers, fd, name, line + "\n") || !peers.ExpectReceive(fd, name, Reply(line))) {
    return false;
  }
  return ExpectAsleep(peers, server_tid, "after answering " + name + " again");
}

// Sends `pattern` again and again (from where the last send stopped in it)
// on the test's non-blocking socket `fd`, which never reads, until `limit`
// bytes went or the server stopped reading `fd`: when the socket is full,
// it waits (bounded) for room, or for the server to sleep in poll while
// `fd` holds bytes it has not read. Returns the bytes sent, -1 on a failure.
inline long SendUntilUnread(Peers& peers, pid_t server_tid, int fd, const std::string& name,
                            const std::string& pattern, size_t limit) {
  size_t sent = 0;
  while (sent < limit) {
    const size_t at = sent % pattern.size();
    ssize_t n = ::send(fd, pattern.data() + at, std::min(pattern.size() - at, limit - sent),
                       MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n == 0 || errno != EAGAIN) {
      peers.Fail(name + ": send failed: " + harness::ErrnoName(errno));
      return -1;
    }
    // Waits for room in 1 ms slices, not spinning: while the server reads,
    // room comes during the wait, and the CPU is left to the server.
    bool room = false, unread = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
    while (!room && !unread && !peers.server_done.load() &&
           std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLOUT, 0};
      room = ::poll(&p, 1, 1) > 0;
      unread = !room && Asleep(server_tid) && Unread(fd) > 0;
    }
    if (!room && !unread) {
      peers.Log(name + ": no room, and the server not seen asleep, within " +
                std::to_string(kWaitMs) + " ms");
      break;
    }
    if (unread) {
      peers.Log(name + ": the server sleeps in poll with " + std::to_string(Unread(fd)) +
                " bytes of " + name + " unread");
      break;
    }
  }
  return static_cast<long>(sent);
}

}  // namespace labkit::lab08
