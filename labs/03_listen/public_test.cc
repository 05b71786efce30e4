// Lab 03 public tests: run them with `./labkit check 03`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. The grader runs these
// and more (the hidden tests) in the same style.
#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/03_listen/test_support.h"

namespace labkit::lab03 {
namespace {

TEST(Listen, LoopbackWithPortZeroTakesAClient) {
  RunCase({.points = 2}, [](Script& s) {
    int server = s.ExpectOk(LABKIT_CALL(ListenInet, "127.0.0.1", 0, 4));
    uint16_t port = LocalPort(server);
    s.ExpectTrue("the kernel picked a port", port != 0, "getsockname says " + LocalAddress(server),
                 "bind() to port 0 before listen(): the kernel then picks a free port");
    s.Expect("getsockname(server)", Named{"127.0.0.1:" + std::to_string(port)},
             Named{LocalAddress(server)});
    ExpectListening(s, server, "server");
    s.Expect("ListeningPort(server)", port,
             s.ExpectOk(LABKIT_CALL(ListeningPort, As("server", server))),
             "read the port with getsockname() and convert it with ntohs()");
    ExpectConnect(s, "127.0.0.1", port,
                  "ECONNREFUSED means the port is bound but nobody listens: call listen()");
    AcceptOne(s, server, "server");
  });
}

TEST(Listen, PutsTheChosenPortInNetworkByteOrder) {
  RunCase({.points = 1}, [](Script& s) {
    uint16_t port = harness::UnusedPort("127.0.0.1");
    s.Note("found a free port: " + std::to_string(port));
    std::string call = "ListenInet(\"127.0.0.1\", " + std::to_string(port) + ", 4)";
    int server = s.ExpectOk(call, [&] { return ListenInet("127.0.0.1", port, 4); });
    s.Expect("getsockname(server)", Named{"127.0.0.1:" + std::to_string(port)},
             Named{LocalAddress(server)}, SwappedPortHint(port));
  });
}

TEST(Listen, UnixBacklogBoundsTheQueue) {
  RunCase({.points = 2}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int server = s.ExpectOk(LABKIT_CALL(ListenUnix, path, 2));
    s.Expect("getsockname(server)", Named{"unix:" + path}, Named{LocalAddress(server)});
    ExpectListening(s, server, "server");
    s.Expect("non-blocking clients that connect before one gets EAGAIN", 3,
             UnixConnectsUntilFull(path, 12),
             "an AF_UNIX listener queues backlog + 1 connections, so 2 gives 3: pass backlog to "
             "listen() as it is");
  });
}

TEST(Listen, ReportsAPortInUseAndLeaksNothing) {
  RunCase({.points = 1}, [](Script& s) {
    int other = TestSocket(s, AF_INET, SOCK_STREAM, kBoundedWaits);
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("127.0.0.1", 0, address);
    s.Sys("bind(other, 127.0.0.1:0)", ::bind(other, reinterpret_cast<sockaddr*>(&address), length));
    s.Sys(sys::Listen(As("other", other), 4));
    uint16_t port = LocalPort(other);
    s.Note("another server listens on " + LocalAddress(other));
    int before = CountOpenFds();
    s.Note("descriptors open: " + std::to_string(before));
    s.ExpectError(LABKIT_CALL(ListenInet, "127.0.0.1", port, 4), EADDRINUSE,
                  "return the errno that bind() set; SO_REUSEADDR never lets two servers listen "
                  "on one port");
    s.Expect("descriptors open after the failed call", before, CountOpenFds(),
             "when bind() fails, read errno, then close() the socket you created");
  });
}

TEST(Listen, RestartsWhileAnOldConnectionIsClosing) {
  RunCase({.points = 2}, [](Script& s) {
    ExpectRestartOnTheSamePort(s, "127.0.0.1", "ListenInet(\"127.0.0.1\", ",
                               [](uint16_t port) { return ListenInet("127.0.0.1", port, 4); });
  });
}


TEST(Listen, IPv6LoopbackWithPortZero) {
  RunCase({.points = 1}, [](Script& s) {
    int server = s.ExpectOk(LABKIT_CALL(ListenInet6, "::1", 0, 4),
                            "EINVAL from bind() often means a wrong length: sizeof(sockaddr_in6)");
    uint16_t port = LocalPort(server);
    s.Expect("getsockname(server)", Named{"[::1]:" + std::to_string(port)},
             Named{LocalAddress(server)});
    ExpectListening(s, server, "server");
    s.Expect("ListeningPort(server)", port,
             s.ExpectOk(LABKIT_CALL(ListeningPort, As("server", server))),
             "an AF_INET6 address is a sockaddr_in6: its port is sin6_port");
  });
}

}  // namespace
}  // namespace labkit::lab03
