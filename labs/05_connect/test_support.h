// Shared by this lab's public and hidden tests: the servers the test runs
// itself (listeners on loopback or an AF_UNIX path) and the checks on a
// connected client, made without the code under test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/show.h"
#include "grader/harness/test_sockets.h"
#include "labs/05_connect/connect_lab.h"

namespace labkit::lab05 {

// The harness names this lab's public and hidden tests use unqualified. Not
// harness::PeerAddress: that name is the code under test's here.
using harness::As;
using harness::CountOpenFds;
using harness::LocalAddress;
using harness::LocalPort;
using harness::RunCase;
using harness::Script;
using harness::TestSocket;
using harness::UnixAddress;
using harness::UnixName;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

// How long the test waits for anything the client should have done already.
inline constexpr int kWaitMs = 1000;

// A socket of the test's own bound to ip:0 (any free port) with `type`.
inline int BoundInetSocket(harness::Script& s, const std::string& ip, int type = SOCK_STREAM) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, 0, address);
  int fd = TestSocket(s, address.ss_family, type);
  s.Sys("bind(fd, " + ip + " port 0)", ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  return fd;
}

// The test's server: a stream socket listening on ip, port chosen by the kernel.
inline int InetListener(harness::Script& s, const std::string& ip) {
  int fd = BoundInetSocket(s, ip);
  s.Sys("listen(server, 4)", ::listen(fd, 4));
  s.Note("the server listens on " + harness::LocalAddress(fd));
  return fd;
}

// The test's server on an AF_UNIX path.
inline int UnixListener(harness::Script& s, const std::string& path, int type = SOCK_STREAM) {
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  int fd = TestSocket(s, AF_UNIX, type);
  s.Sys("bind(server, \"" + path + "\")",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  if (type == SOCK_STREAM) s.Sys("listen(server, 4)", ::listen(fd, 4));
  return fd;
}

// A stream client of the test's own (`name`), connected to the test's
// `server`, which listens on ip.
inline int ConnectTestClient(harness::Script& s, const std::string& name, const std::string& ip,
                             int server, const std::string& server_name) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, harness::LocalPort(server), address);
  int client = TestSocket(s, address.ss_family, SOCK_STREAM);
  s.Sys("connect(" + name + ", " + server_name + ")",
        ::connect(client, reinterpret_cast<sockaddr*>(&address), length));
  return client;
}

// PeerAddress of the code under test on `client`, a socket of the test's
// own: it must succeed and name `expected`.
inline void ExpectPeerAddress(harness::Script& s, const std::string& name, int client,
                              const std::string& expected, std::string_view hint) {
  const std::string call = "PeerAddress(" + name + ")";
  s.Expect(call, expected, s.ExpectOk(call, [&] { return PeerAddress(client); }), hint);
}

// Takes the connection the client made; fails the case if none is pending.
inline int AcceptClient(harness::Script& s, int listener) {
  bool waiting = harness::WaitFor(listener, POLLIN, kWaitMs);
  s.ExpectTrue("a connection is waiting at the server", waiting,
               waiting ? "yes" : "nothing arrived within " + std::to_string(kWaitMs) + " ms",
               "connect() to the server's address must have succeeded before you return");
  int conn = s.Sys("accept(server) -> conn", ::accept(listener, nullptr, nullptr));
  harness::BoundWaits(conn, kWaitMs, harness::Waits::kReceives);
  return conn;
}

// Reads exactly `size` bytes (fewer at end of stream or on a timeout).
inline std::string ReadBytes(int fd, size_t size) {
  std::string data;
  char buffer[256];
  while (data.size() < size) {
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, size - data.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  return data;
}

// "[::ffff:127.0.0.1]:80" -> "127.0.0.1:80": an IPv4-mapped IPv6 address
// written as the IPv4 address it stands for.
inline std::string Unmapped(const std::string& address) {
  const std::string prefix = "[::ffff:";
  size_t close = address.find("]:");
  if (address.rfind(prefix, 0) != 0 || close == std::string::npos ||
      address.find('.') == std::string::npos) {
    return address;
  }
  return address.substr(prefix.size(), close - prefix.size()) + address.substr(close + 1);
}

inline bool IsNonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

// The client the code under test returned is connected to the server the
// test runs and carries bytes both ways with plain write() and read(), like
// any descriptor. `peer` is the server's address as the client sees it, if
// not the one the server is bound to. Returns the server's side.
inline int CheckConnected(harness::Script& s, int client, int listener, std::string peer = "") {
  if (peer.empty()) peer = harness::LocalAddress(listener);
  s.Expect("getpeername(client)", harness::Named{peer},
           harness::Named{harness::PeerAddress(client)},
           "connect the socket you return to the address given");
  s.Expect("O_NONBLOCK set on client", false, IsNonblocking(client),
           "the contract asks for a blocking socket: create it without SOCK_NONBLOCK");
  int conn = AcceptClient(s, listener);
  s.Expect("the server's peer is the client",
           harness::Named{Unmapped(harness::LocalAddress(client))},
           harness::Named{harness::PeerAddress(conn)});
  const std::string question = "ping?\n", answer = "pong!\n";
  s.Sys("write(client, " + harness::EscapeBytes(question) + ")",
        static_cast<int>(::write(client, question.data(), question.size())));
  s.Expect("read(conn) at the server", question, ReadBytes(conn, question.size()));
  s.Sys("write(conn, " + harness::EscapeBytes(answer) + ")",
        static_cast<int>(::write(conn, answer.data(), answer.size())));
  harness::BoundWaits(client, kWaitMs, harness::Waits::kReceives);
  s.Expect("read(client)", answer, ReadBytes(client, answer.size()),
           "a connected socket reads and writes like a file descriptor");
  return conn;
}

// The hint for a connect that missed the port: a swapped one means no htons.
inline std::string PortHint(uint16_t wanted) {
  uint16_t swapped = static_cast<uint16_t>((wanted >> 8) | (wanted << 8));
  return "ECONNREFUSED at a port the server listens on: is the port in network byte order? "
         "Without htons(), " + std::to_string(wanted) + " goes out as " + std::to_string(swapped);
}

}  // namespace labkit::lab05
