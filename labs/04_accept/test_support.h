// Shared by this lab's public and hidden tests: listeners and clients the
// test makes itself (no other lab's code), and the handler it serves with.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/test_sockets.h"
#include "labs/04_accept/accept_lab.h"

namespace labkit::lab04 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::As;
using harness::BoundAddress;
using harness::LocalAddress;
using harness::Named;
using harness::OpenFds;
using harness::PeerAddress;
using harness::RunCase;
using harness::Script;
using harness::SendFrom;
using harness::TestSocket;
using harness::UnixAddress;
using harness::UnixName;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

// How a transcript shows what AcceptWithPeer returned (found by ADL).
inline std::string Show(const Accepted& a) {
  return "fd " + std::to_string(a.fd) + ", peer " + harness::EscapeBytes(a.peer);
}

// How long the test's own sockets wait for the server before giving up.
inline constexpr int kWaitMs = 500;

// A TCP listener on ip port 0 (the kernel picks the port).
inline int TcpListener(harness::Script& s, const std::string& ip, int flags = 0) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, 0, address);
  int fd = TestSocket(s, address.ss_family, SOCK_STREAM);
  s.Sys("bind(listener, " + ip + " port 0)",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  s.Sys("listen(listener, 8) on " + harness::LocalAddress(fd), ::listen(fd, 8));
  if (flags & O_NONBLOCK) {
    s.Sys("fcntl(listener, F_SETFL, O_NONBLOCK)", ::fcntl(fd, F_SETFL, O_NONBLOCK));
  }
  return fd;
}

// FormatPeer of the code under test on a sockaddr_in or sockaddr_in6 that
// the test fills itself with ip (numeric, v4 or v6) and port, passed with its
// own length; the text it returns must be `expected`.
inline void ExpectFormatsInet(harness::Script& s, const std::string& ip, uint16_t port,
                              const std::string& expected, std::string_view hint = "") {
  sockaddr_storage storage;
  const socklen_t length = harness::MakeInetAddress(ip, port, storage);
  const std::string where = ip + " port " + std::to_string(port);
  const std::string type = storage.ss_family == AF_INET ? "sockaddr_in " : "sockaddr_in6 ";
  s.Expect("FormatPeer(" + where + ")", expected,
           s.Call("FormatPeer(" + type + where + ")",
                  [&] { return FormatPeer(storage, length); }),
           hint);
}

// An AF_UNIX stream listener at `path`.
inline int UnixListener(harness::Script& s, const std::string& path) {
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
  s.Sys("bind(listener, \"" + path + "\")",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  s.Sys("listen(listener, 8)", ::listen(fd, 8));
  return fd;
}

// Connections a TCP listener holds that nobody has accepted yet (for a
// listening socket, TCP_INFO reports its queue length as tcpi_unacked).
inline int QueuedConnections(int listener) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(listener, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
  return static_cast<int>(info.tcpi_unacked);
}

// A client of the test's own, connected to `listener` (before anyone
// accepts: the kernel completes the connection and queues it). For TCP it
// also waits, bounded, until the listener's queue shows the connection, so
// clients connected one after another are queued in that order.
inline int ConnectClient(harness::Script& s, int listener, const std::string& name = "client",
                         int bind_fd = -1) {
  sockaddr_storage address;
  socklen_t length = BoundAddress(listener, address);
  int fd = bind_fd >= 0 ? bind_fd : TestSocket(s, address.ss_family, SOCK_STREAM);
  const bool tcp = address.ss_family != AF_UNIX;
  const int queued = tcp ? QueuedConnections(listener) : 0;
  s.Sys("connect(" + name + ", " + harness::LocalAddress(listener) + ")",
        ::connect(fd, reinterpret_cast<sockaddr*>(&address), length));
  harness::BoundWaits(fd, kWaitMs);
  if (tcp) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
    while (QueuedConnections(listener) <= queued) {
      if (std::chrono::steady_clock::now() > deadline) {
        s.Fail("the listener's queue after connect(" + name + ")", std::to_string(queued + 1),
               std::to_string(QueuedConnections(listener)),
               "connect() returned, but the connection never reached the queue");
      }
      ::sched_yield();  // the kernel may finish the handshake on another thread
    }
  }
  s.Note(name + " is " + harness::LocalAddress(fd));
  return fd;
}

// Everything a socket receives until the end of the stream, and how it
// ended, as one line: `"echo: a\n" (8 bytes), then end of stream`.
inline harness::Named ReadToEnd(int fd) {
  std::string data;
  char buffer[256];
  while (true) {
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      data.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      return {harness::EscapeBytes(data) + ", then end of stream"};
    } else if (errno != EINTR) {
      int error = errno;
      std::string why = error == EAGAIN ? " (nothing more within " + std::to_string(kWaitMs) +
                                              " ms: the server kept this connection open)"
                                        : "";
      return {harness::EscapeBytes(data) + ", then " + harness::ErrnoName(error) + why};
    }
  }
}

// What ReadToEnd shows for a client that got `reply` and was then closed.
inline harness::Named RepliedAndClosed(const std::string& reply) {
  return {harness::EscapeBytes(reply) + ", then end of stream"};
}

// The handler the tests serve with: reads one line, answers "echo: LINE",
// and keeps a log of whom it served and how each client went. Its clients
// send one line and then wait, so reading until a newline never takes more.
struct EchoLine {
  std::vector<std::string> peers;
  std::vector<harness::Named> outcomes;

  ClientHandler Handler() {
    return [this](const Accepted& client) { return Serve(client); };
  }

  Status Serve(const Accepted& client) {
    peers.push_back(client.peer);
    std::string line;
    char buffer[64];
    while (line.find('\n') == std::string::npos) {
      if (!harness::WaitFor(client.fd, POLLIN, kWaitMs)) return Failed(ETIMEDOUT, "poll");
      ssize_t n = ::recv(client.fd, buffer, sizeof buffer, 0);
      if (n == 0) break;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Failed(errno, "recv");
      line.append(buffer, static_cast<size_t>(n));
    }
    std::string reply = "echo: " + line;
    if (::send(client.fd, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) {
      return Failed(errno, "send");
    }
    outcomes.push_back(Answered(line));
    return Status::Ok();
  }

  static harness::Named Answered(const std::string& line) {
    return {"read " + harness::EscapeBytes(line) + ", answered"};
  }

  Status Failed(int error, const std::string& call) {
    outcomes.push_back({call + " failed: " + harness::ErrnoName(error)});
    return Status::Error(error);
  }
};

// Addresses as one comma-separated list, for comparing sequences.
inline harness::Named Listed(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return {"[" + text + "]"};
}

}  // namespace labkit::lab04
