// Shared by this lab's public and hidden tests: connected sockets the test
// makes itself, peers it controls (some on threads of their own), and a way
// to see when the code under test is blocked in a call, so a signal can
// interrupt it there. Nothing here sleeps to wait for readiness: every wait
// polls a condition with a deadline.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "grader/harness/call_recorder.h"
#include "grader/harness/case_runner.h"
#include "grader/harness/interrupt.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/show.h"
#include "grader/harness/test_sockets.h"
#include "labs/06_send_recv/send_recv_lab.h"

namespace labkit::lab06 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::As;
using harness::InstallInterruptHandler;
using harness::Named;
using harness::RunCase;
using harness::Script;
using harness::ThisThread;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

// How long the test's own waits last before it gives up (a failure path).
inline constexpr int kWaitMs = 1000;

inline std::string Show(const Received& received) {
  return harness::EscapeBytes(received.data) + ", address length " +
         std::to_string(received.address_length);
}

// `mine` goes to the code under test; `peer` is the test's own end.
struct Connection {
  int mine = -1;
  int peer = -1;
};

// A TCP connection over loopback.
inline Connection TcpConnection(harness::Script& s) {
  Connection c;
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress("127.0.0.1", 0, address);
  auto* to = reinterpret_cast<sockaddr*>(&address);
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  c.mine = ::socket(AF_INET, SOCK_STREAM, 0);
  bool ok = listener >= 0 && c.mine >= 0 && ::bind(listener, to, length) == 0 &&
            ::listen(listener, 1) == 0 && ::getsockname(listener, to, &length) == 0 &&
            ::connect(c.mine, to, length) == 0 &&
            (c.peer = ::accept(listener, nullptr, nullptr)) >= 0;
  if (!ok) s.Fail("set up a TCP connection on loopback", "success", harness::ErrnoName(errno));
  ::close(listener);
  harness::BoundWaits(c.peer, kWaitMs);
  int one = 1;  // the peer's small sends go out at once, not batched by Nagle
  ::setsockopt(c.peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  s.Note("TCP connection over loopback: mine " + harness::LocalAddress(c.mine) + " <-> peer " +
         harness::LocalAddress(c.peer));
  return c;
}

inline Connection UnixConnection(harness::Script& s) {
  int fds[2];
  s.Sys("socketpair(AF_UNIX, SOCK_STREAM, 0, [mine, peer])",
        ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
  harness::BoundWaits(fds[1], kWaitMs);
  return {fds[0], fds[1]};
}

// The test sends `data` on its own socket (all of it, never SIGPIPE).
inline void TestSend(harness::Script& s, int fd, const std::string& name, std::string_view data,
                     int flags = 0) {
  std::string what = "send(" + name + ", " + harness::EscapeBytes(data) +
                     (flags & MSG_OOB ? ", MSG_OOB)" : ")");
  for (size_t sent = 0; sent < data.size();) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, flags | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) s.Fail(what, "success", "error " + harness::ErrnoName(errno));
    sent += static_cast<size_t>(n);
  }
  s.Note(what);
}

// The test's own recv() of up to `max` bytes, recorded with what came.
inline std::string TestRecv(harness::Script& s, int fd, const std::string& name, size_t max,
                            int flags = 0) {
  std::string buffer(max, '\0');
  ssize_t n;
  do {
    n = ::recv(fd, buffer.data(), max, flags);
  } while (n < 0 && errno == EINTR);
  std::string what = "recv(" + name + ", " + std::to_string(max) +
                     (flags & MSG_OOB ? ", MSG_OOB)" : ")");
  if (n < 0) s.Fail(what, "bytes", "error " + harness::ErrnoName(errno));
  buffer.resize(static_cast<size_t>(n));
  s.Note(what + " -> " + harness::EscapeBytes(buffer));
  return buffer;
}

// The test waits, bounded, until bytes it sent can be read on `fd`.
inline void ExpectReadable(harness::Script& s, int fd, const std::string& name) {
  s.ExpectTrue("poll(" + name + ", POLLIN) within 1 s", harness::WaitFor(fd, POLLIN, kWaitMs),
               "nothing arrived");
}

// Closes `fd` with SO_LINGER {1, 0}: the kernel sends RST instead of FIN.
inline void TestReset(harness::Script& s, int fd, const std::string& name) {
  linger abort_on_close{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
  s.Sys("close(" + name + ") with SO_LINGER {1, 0}: the kernel sends RST", ::close(fd));
}

// Bytes waiting in fd's receive queue (FIONREAD).
inline int Queued(int fd) {
  int bytes = -1;
  ::ioctl(fd, FIONREAD, &bytes);
  return bytes;
}

// n bytes that are not periodic, so a lost or repeated chunk shows.
inline std::string Pattern(size_t n) {
  std::string bytes(n, '\0');
  uint32_t x = 2463534242u;
  for (char& c : bytes) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x);
  }
  return bytes;
}

// "all N bytes, in order", or how `got` differs from `sent`.
inline std::string Compare(const std::string& got, const std::string& sent) {
  if (got == sent) return "all " + std::to_string(sent.size()) + " bytes, in order";
  size_t at = 0;
  while (at < got.size() && at < sent.size() && got[at] == sent[at]) ++at;
  std::string text = std::to_string(got.size()) + " bytes of the " +
                     std::to_string(sent.size()) + " sent";
  if (at < got.size() && at < sent.size()) text += ", different from byte " + std::to_string(at);
  return text;
}

// A large result shown as how it compares with what was sent, not as a
// megabyte of escaped bytes in the transcript. Keeps the bytes in `got`.
inline SysResult<harness::Named> CompareResult(const SysResult<std::string>& result,
                                               const std::string& sent, std::string& got) {
  if (!result.ok()) return SysResult<harness::Named>::Error(result.error());
  got = result.value();
  return SysResult<harness::Named>::Ok(harness::Named{Compare(got, sent)});
}

// ---- Peers on threads, and the code under test seen from outside ----

// What a peer thread did; the case's main thread reports it after Join.
struct PeerReport {
  std::string received;
  std::string story;  // what the peer did, for a Note
  bool done_its_part = false;
};

// A peer on a thread of its own. Its body receives `returned`, which turns
// true once the call under test came back, so no wait of the peer outlasts
// the call it waits for. Only the main thread may use the Script.
class PeerThread {
 public:
  using Body = std::function<PeerReport(const std::atomic<bool>& returned)>;
  explicit PeerThread(Body body) : thread_([this, body] { report_ = body(returned_); }) {}
  ~PeerThread() { Join(); }
  PeerThread(const PeerThread&) = delete;
  PeerThread& operator=(const PeerThread&) = delete;

  const PeerReport& Join() {
    returned_ = true;
    if (thread_.joinable()) thread_.join();
    return report_;
  }

 private:
  std::atomic<bool> returned_{false};
  PeerReport report_;
  std::thread thread_;  // last, so it starts after the members it uses exist
};

// Polls `condition` until it holds (true), `returned` turns true or kWaitMs
// pass (false); it yields between looks, never sleeps.
inline bool WaitUntil(const std::function<bool()>& condition, const std::atomic<bool>& returned) {
  return harness::SpinUntil(condition, kWaitMs, &returned);
}

// Reads fd until end of stream, an error, or kWaitMs without a byte (the
// SO_RCVTIMEO that BoundWaits set on the test's own socket).
inline std::string ReadToEnd(int fd) {
  std::string all;
  char buffer[64 * 1024];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return all;
    all.append(buffer, static_cast<size_t>(n));
  }
}

// A peer thread's body: read everything until end of stream.
inline PeerReport ReadEverything(int fd) {
  PeerReport report;
  report.received = ReadToEnd(fd);
  return report;
}

// A large transfer through `send` (SendAll or SendDontRoute, called `name`)
// from mine while a peer thread reads everything: then the test ends the
// stream, and the peer must have received every byte, in order.
inline void ExpectLargeSendArrives(harness::Script& s, const Connection& c,
                                   const std::string& name,
                                   Status (*send)(int, std::string_view), size_t size,
                                   std::string_view send_hint, std::string_view received_hint) {
  const std::string payload = Pattern(size);
  s.Note("a peer thread reads everything until end of stream");
  PeerThread reader([&](const std::atomic<bool>&) { return ReadEverything(c.peer); });
  s.ExpectOk(name + "(mine, " + std::to_string(size) + " bytes)",
             [&] { return send(c.mine, payload); }, send_hint);
  s.Sys("shutdown(mine, SHUT_WR): the test ends the stream", ::shutdown(c.mine, SHUT_WR));
  s.Expect("what the peer received", harness::Named{Compare(payload, payload)},
           harness::Named{Compare(reader.Join().received, payload)}, received_hint);
}

// Checks the socket calls the code under test made in its latest step:
// each call that sends (send, sendto, sendmsg; a write cannot take flags)
// passed `flag`, and there was at least one.
inline void ExpectEverySendCarries(harness::Script& s, const std::string& name,
                                   const std::string& flag) {
  int sends = 0;
  std::string without;  // the first send that did not carry the flag
  for (const std::string& call : harness::CallsOfLastStep()) {
    if (call.rfind("send", 0) != 0 && call.rfind("write(", 0) != 0) continue;
    ++sends;
    if (call.find(flag) == std::string::npos && without.empty()) without = call;
  }
  s.ExpectTrue("every send " + name + " made passed " + flag, sends > 0 && without.empty(),
               sends == 0 ? "no send was recorded" : without.empty() ? "all did" : without,
               "pass " + flag + " in the flags argument of send() (with MSG_NOSIGNAL)");
}

enum class Direction { kSending, kReceiving };

// True while thread `tid` sleeps in a call that sends on (or receives
// from) `fd`, or in a poll/select-style wait: that is, while it is blocked
// waiting for the peer.
inline bool BlockedOn(pid_t tid, int fd, Direction direction) {
  static const std::vector<long> sending = {SYS_sendto, SYS_sendmsg, SYS_write, SYS_writev};
  static const std::vector<long> receiving = {SYS_recvfrom, SYS_recvmsg, SYS_read, SYS_readv};
  return harness::SleepsIn(tid, direction == Direction::kSending ? sending : receiving, fd) ||
         harness::SleepsIn(tid, harness::ReadinessWaits());
}

// From a peer thread: waits until thread `tid` is blocked on fd, then sends
// it SIGUSR1 and waits for the handler to run (see harness/interrupt.h; the
// case installs the handler first with InstallInterruptHandler). False if
// that never happened.
inline bool InterruptWhenBlocked(pid_t tid, int fd, Direction direction,
                                 const std::atomic<bool>& returned) {
  return harness::Interrupt(
             tid, [&] { return BlockedOn(tid, fd, direction); }, kWaitMs, &returned) ==
         harness::Interruption::kDone;
}

}  // namespace labkit::lab06
