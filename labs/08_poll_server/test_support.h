// Shared by this lab's public and hidden tests: listeners, connected pairs
// and clients the test makes itself, and the peers it runs on a thread of
// its own while the server runs on the case's thread.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/test_sockets.h"
#include "labs/08_poll_server/poll_server_lab.h"

namespace labkit::lab08 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::Named;
using harness::RunCase;
using harness::BoundAddress;
using harness::OpenFds;
using harness::Script;
using harness::SendFrom;
using harness::TestSocket;

// How a transcript shows this lab's values (found by ADL).
inline std::string Show(const Answers& a) {
  return "{consumed " + std::to_string(a.consumed) + ", replies " +
         harness::EscapeBytes(a.replies) + (a.too_long ? ", too long}" : "}");
}
inline std::string Show(const Received& r) {
  return harness::EscapeBytes(r.bytes) + (r.closed ? ", then end of stream" : "");
}
inline std::string Show(const ServeStats& st) {
  return std::to_string(st.clients) + " clients, " + std::to_string(st.lines) + " lines";
}

// What the server answers to `line` (given without its '\n').
inline std::string Reply(std::string_view line) {
  std::string reply = std::to_string(line.size()) + " ";
  reply.append(line.rbegin(), line.rend());
  return reply + "\n";
}

// How long the test's own sockets wait for the server before giving up.
inline constexpr int kWaitMs = 1000;

// A TCP listener on `ip` ("127.0.0.1" or "::1"), port 0, with `backlog`.
inline int TcpListener(Script& s, const std::string& ip, int backlog = 128) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, 0, address);
  int fd = TestSocket(s, address.ss_family, SOCK_STREAM);
  s.Sys("bind(listener, " + ip + " port 0)",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  s.Sys("listen(listener, " + std::to_string(backlog) + ") on " + harness::LocalAddress(fd),
        ::listen(fd, backlog));
  return fd;
}

// An AF_UNIX stream listener at a fresh path in the case's directory.
inline int UnixListener(Script& s, int backlog = 128) {
  const std::string path = harness::MakeTempDir() + "/server.sock";
  sockaddr_un address;
  socklen_t length = harness::UnixAddress(path, harness::UnixName::kPath, address);
  int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
  s.Sys("bind(listener, \"" + path + "\")",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  s.Sys("listen(listener, " + std::to_string(backlog) + ")", ::listen(fd, backlog));
  return fd;
}

// Bounds every later blocking recv/send on a socket of the test's own.
inline void BoundWaits(int fd) { harness::BoundWaits(fd, kWaitMs); }

// A client of `listener`, connected (the kernel completes the connection
// and queues it before anyone accepts), its waits bounded; -1 on failure.
// Makes no step: peers call it from their own thread.
inline int Dial(int listener) {
  sockaddr_storage address;
  socklen_t length = BoundAddress(listener, address);
  int fd = ::socket(address.ss_family, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    ::close(fd);
    return -1;
  }
  BoundWaits(fd);
  return fd;
}

// A connected TCP pair on loopback, made by the test: `client` is the
// test's end (blocking, bounded); `server` the end handed to the code under
// test, non-blocking when asked.
struct Pair {
  int client = -1;
  int server = -1;
};
inline Pair ConnectedPair(Script& s, bool nonblocking = true) {
  int listener = TcpListener(s, "127.0.0.1", 4);
  Pair pair;
  pair.client = s.Sys("connect(client, listener)", Dial(listener));
  pair.server = s.Sys("accept(listener): the server's end", ::accept(listener, nullptr, nullptr));
  s.Sys("close(listener)", ::close(listener));
  if (nonblocking) {
    s.Sys("fcntl(server end, F_SETFL, O_NONBLOCK)", ::fcntl(pair.server, F_SETFL, O_NONBLOCK));
  }
  return pair;
}

// Waits, bounded, until `fd` shows `events` (or a hang-up or an error).
inline void AwaitReady(Script& s, int fd, short events, const std::string& what) {
  s.ExpectTrue("poll(" + what + ")", harness::WaitFor(fd, events, kWaitMs),
               "nothing within " + std::to_string(kWaitMs) + " ms");
}

// The stop descriptor: the server watches `read_end`; the test writes a
// byte to `write_end` to stop it.
struct StopPipe {
  int read_end = -1;
  int write_end = -1;
};
inline StopPipe MakeStopPipe(Script& s) {
  int fds[2];
  s.Sys("pipe(stop)", ::pipe(fds));
  return {fds[0], fds[1]};
}

// The test's peers: they run on a thread of their own while RunServer runs
// on the case's thread, so they make no steps; they keep a log and the
// first thing that went wrong, shown once the server has returned.
class Peers {
 public:
  void Log(const std::string& line) {
    std::lock_guard<std::mutex> hold(lock_);
    log_.push_back(line);
  }
  // Records the first failure; returns false, for `return peers.Fail(...)`.
  bool Fail(const std::string& what) {
    std::lock_guard<std::mutex> hold(lock_);
    if (failure_.empty()) failure_ = what;
    return false;
  }
  bool failed() {
    std::lock_guard<std::mutex> hold(lock_);
    return !failure_.empty();
  }
  // Set once RunServer has returned: the peers stop waiting for it.
  std::atomic<bool> server_done{false};

  // Waits for `events` on fd, bounded, in slices, giving up early once the
  // server has returned; true when they came.
  bool Await(int fd, short events, int timeout_ms = kWaitMs) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, events, 0};
      if (::poll(&p, 1, 20) > 0) return true;
      if (server_done.load()) {
        pollfd last{fd, events, 0};
        return ::poll(&last, 1, 0) > 0;
      }
    }
    return false;
  }

  // Reads from `fd` until `expected.size()` bytes came (or the stream
  // ended, or the wait's bound passed) and compares; false on a mismatch.
  bool ExpectReceive(int fd, const std::string& name, const std::string& expected,
                     int timeout_ms = kWaitMs) {
    std::string got = ReceiveUpTo(fd, expected.size(), timeout_ms);
    if (got == expected) return true;
    return Fail(name + " expected " + harness::EscapeBytes(expected) + ", got " +
                harness::EscapeBytes(got) + " within " + std::to_string(timeout_ms) + " ms");
  }

  std::string ReceiveUpTo(int fd, size_t size, int timeout_ms = kWaitMs) {
    std::string got;
    char buffer[4096];
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (got.size() < size) {
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                            .count());
      if (left <= 0 || !Await(fd, POLLIN, left)) break;
      ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, size - got.size()), MSG_DONTWAIT);
      if (n > 0) {
        got.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        break;
      }
    }
    return got;
  }

  // True when the server ended the stream of `fd` (after nothing more).
  bool ExpectEnd(int fd, const std::string& name) {
    if (!Await(fd, POLLIN)) return Fail(name + ": the server did not close the connection");
    char byte;
    ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0 && errno == ECONNRESET) return true;  // closed with our bytes unread
    return Fail(name + ": expected the end of the stream, got " +
                (n > 0 ? "more bytes" : harness::ErrnoName(errno)));
  }

  // Shows the log and requires no failure.
  void Report(Script& s) {
    for (const std::string& line : log_) s.Note("peers: " + line);
    s.Expect("what went wrong on the peers' thread", std::string(), failure_);
  }

 private:
  std::mutex lock_;
  std::vector<std::string> log_;
  std::string failure_;
};

// Runs RunServer(config) on this thread while `work` runs on a peers'
// thread. When `work` returns (whatever happened) the peers' thread writes
// the stop byte to `stop_write` (unless it is -1: then `work` stops the
// server itself), so the server returns. Returns the server's result, after
// showing the peers' log and requiring that nothing went wrong there.
inline SysResult<ServeStats> ServeWhile(Script& s, const ServerConfig& config, int stop_write,
                                        const std::string& what,
                                        const std::function<void(Peers&)>& work) {
  Peers peers;
  s.Note("a peers' thread: " + what + "; then it writes a byte to the stop pipe");
  std::thread helper([&] {
    work(peers);
    if (stop_write >= 0 && ::write(stop_write, "x", 1) != 1) peers.Fail("write(stop pipe) failed");
  });
  SysResult<ServeStats> result =
      s.Call("RunServer(listeners, stop pipe)", [&] { return RunServer(config); });
  peers.server_done = true;
  helper.join();
  if (!result.ok() && result.error() == ENOSYS) {
    s.Fail("RunServer's result", "success", harness::Show(result),
           Script::HintFor(ENOSYS, ""));
  }
  peers.Report(s);
  return result;
}

}  // namespace labkit::lab08
