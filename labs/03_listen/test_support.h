// Shared by this lab's public and hidden tests: the test's own clients and
// the kernel's view of a listener, made without the code under test.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/show.h"
#include "grader/harness/test_sockets.h"
#include "labs/03_listen/listen_lab.h"

namespace labkit::lab03 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::As;
using harness::CountOpenFds;
using harness::LocalAddress;
using harness::LocalPort;
using harness::Named;
using harness::PeerAddress;
using harness::RunCase;
using harness::Script;
using harness::SwappedPortHint;
using harness::TestSocket;
using harness::UnixAddress;
using harness::UnixName;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

// Every wait of the test's own is bounded by this.
inline constexpr int kWaitMs = 1000;

// Every socket of the test's own here: a blocking connect() or recv() on
// it gives up after kWaitMs, whatever the code under test did.
inline const harness::TestSocketOptions kBoundedWaits{.timeout_ms = kWaitMs};

// "connected", or the error connect() gave, for a transcript.
inline harness::Named ConnectOutcome(int client, const sockaddr* address, socklen_t length) {
  if (::connect(client, address, length) == 0) return {"connected"};
  return {"error " + harness::ErrnoName(errno)};
}

// A fresh client of the test's own, connecting to ip:port; the outcome is
// compared with "connected". Returns the client.
inline int ExpectConnect(harness::Script& s, const std::string& ip, uint16_t port,
                         std::string_view hint) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, port, address);
  int client = TestSocket(s, address.ss_family, SOCK_STREAM, kBoundedWaits);
  std::string where = address.ss_family == AF_INET6 ? "[" + ip + "]" : ip;
  s.Expect("connect(client, " + where + ":" + std::to_string(port) + ")",
           harness::Named{"connected"},
           ConnectOutcome(client, reinterpret_cast<sockaddr*>(&address), length), hint);
  return client;
}

// The same for an AF_UNIX path.
inline int ExpectConnectUnix(harness::Script& s, const std::string& path, std::string_view hint) {
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  int client = TestSocket(s, AF_UNIX, SOCK_STREAM, kBoundedWaits);
  s.Expect("connect(client, \"" + path + "\")", harness::Named{"connected"},
           ConnectOutcome(client, reinterpret_cast<sockaddr*>(&address), length), hint);
  return client;
}

// The test accepts the next connection itself, waiting at most kWaitMs.
inline int AcceptOne(harness::Script& s, int listener, const std::string& name) {
  if (!harness::WaitFor(listener, POLLIN, kWaitMs)) {
    s.Fail("poll(" + name + ", POLLIN) for a connection to accept",
           "a connection within " + std::to_string(kWaitMs) + " ms", "none",
           "a client connected, so the listener should have it queued");
  }
  return s.Sys("accept(" + name + ")", ::accept(listener, nullptr, nullptr));
}

// SO_ACCEPTCONN, checked: 1 once listen() has been called on the socket.
inline void ExpectListening(harness::Script& s, int fd, const std::string& name) {
  s.Expect("getsockopt(" + name + ", SO_ACCEPTCONN)", 1,
           harness::IntOption(fd, SOL_SOCKET, SO_ACCEPTCONN),
           "a bound socket becomes a listener only when listen() is called on it");
}

// How many non-blocking AF_UNIX clients connect to `path` before the next
// one gets EAGAIN, trying at most `limit`. Linux queues backlog + 1.
inline int UnixConnectsUntilFull(const std::string& path, int limit) {
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  for (int connected = 0; connected < limit; ++connected) {
    int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (client < 0 || ::connect(client, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      return connected;
    }
  }
  return limit;
}

// The backlog a TCP listener was given, as the kernel keeps it: TCP_INFO
// reports it in tcpi_sacked for a listening socket [Linux]. -1 if unknown.
inline int TcpBacklog(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
  if (info.tcpi_state != TCP_LISTEN) return -1;
  return static_cast<int>(info.tcpi_sacked);
}

// A server stops while one of its connections is still closing, and starts
// again on the same port. `listen(port)` calls the code under test; `call`
// is its name up to the port, e.g. `ListenInet("127.0.0.1", `.
template <typename ListenFn>
void ExpectRestartOnTheSamePort(harness::Script& s, const std::string& ip, const std::string& call,
                                ListenFn listen) {
  int server = s.ExpectOk(call + "0, 4)", [&] { return listen(0); });
  uint16_t port = harness::LocalPort(server);
  s.Note("the server listens on " + harness::LocalAddress(server));
  int client = ExpectConnect(s, ip, port, "a client can connect once listen() has been called");
  int connection = AcceptOne(s, server, "server");
  s.Sys(sys::Close(As("connection", connection)).Because("the server closes its side first"));
  s.Sys(sys::Close(As("client", client)));
  s.Sys(sys::Close(As("server", server)).Because("the server stops"));
  s.Note("the server's side of that connection now waits in TIME_WAIT, holding port " +
         std::to_string(port));
  int restarted = s.ExpectOk(
      call + std::to_string(port) + ", 4) to restart the server",
      [&] { return listen(port); },
      "the old connection keeps the port in TIME_WAIT for a minute; setsockopt(SO_REUSEADDR) "
      "before bind() lets a new server bind it anyway (after bind() is too late)");
  ExpectListening(s, restarted, "restarted");
  ExpectConnect(s, ip, port, "the restarted server should take new clients");
}

}  // namespace labkit::lab03
