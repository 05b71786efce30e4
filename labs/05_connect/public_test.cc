// Lab 05 public tests: run them with `./labkit check 05`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. The test plays the
// server itself; your code is the client. The grader runs these and more
// (the hidden tests) in the same style.
#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/05_connect/test_support.h"

namespace labkit::lab05 {
namespace {

TEST(Connect, InetReachesALoopbackServer) {
  RunCase({.points = 2}, [](Script& s) {
    int server = InetListener(s, "127.0.0.1");
    uint16_t port = LocalPort(server);
    int client = s.ExpectOk(LABKIT_CALL(ConnectInet, "127.0.0.1", port), PortHint(port));
    CheckConnected(s, client, server);
  });
}

TEST(Connect, InetReportsAClosedPortAndLeaksNothing) {
  RunCase({.points = 2}, [](Script& s) {
    uint16_t port = harness::UnusedPort("127.0.0.1");
    s.Note("nothing listens on 127.0.0.1:" + std::to_string(port));
    int before = harness::CountOpenFds();
    s.ExpectError(LABKIT_CALL(ConnectInet, "127.0.0.1", port), ECONNREFUSED,
                  "return the errno connect() set, read before you close the socket");
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "the socket made for a failed connect() is yours to close");
  });
}

TEST(Connect, PeerAddressNamesTheServerNotTheClient) {
  RunCase({.points = 1}, [](Script& s) {
    int server = InetListener(s, "127.0.0.1");
    int client = ConnectTestClient(s, "client", "127.0.0.1", server, "server");
    s.Note("the client got the port " + std::to_string(LocalPort(client)) + " automatically");
    ExpectPeerAddress(s, "client", client, LocalAddress(server),
                      "getpeername() gives the other end; getsockname() gives your own");
  });
}

TEST(Connect, Inet6ReachesALoopbackServer) {
  RunCase({.points = 2}, [](Script& s) {
    int server = InetListener(s, "::1");
    uint16_t port = LocalPort(server);
    int client = s.ExpectOk(
        LABKIT_CALL(ConnectInet6, "::1", port),
        "EINVAL: is the length sizeof(sockaddr_in6)? EAFNOSUPPORT: is the socket AF_INET6?");
    CheckConnected(s, client, server);
  });
}

TEST(Connect, NumericConnectsToAnIPv4Address) {
  RunCase({.points = 1}, [](Script& s) {
    int server = InetListener(s, "127.0.0.1");
    uint16_t port = LocalPort(server);
    int client = s.ExpectOk(LABKIT_CALL(ConnectNumeric, "127.0.0.1", port),
                            "getaddrinfo() with AI_NUMERICHOST gives the address's family, "
                            "sockaddr and length: use all three for socket() and connect()");
    s.Expect("SO_DOMAIN of the client", harness::Family(AF_INET),
             harness::Family(harness::IntOption(client, SOL_SOCKET, SO_DOMAIN)));
    CheckConnected(s, client, server);
  });
}

TEST(Connect, UnixReachesAPathServer) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int server = UnixListener(s, path);
    int client = s.ExpectOk(LABKIT_CALL(ConnectUnix, path),
                            "ENOENT for a path the server is bound to: pass the whole address, "
                            "sizeof(sockaddr_un), not sizeof(sockaddr), which is 16 bytes");
    CheckConnected(s, client, server);
  });
}

TEST(Connect, UnixReportsAMissingPath) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/nobody-here.sock";
    s.Note("nothing exists at " + path);
    int before = harness::CountOpenFds();
    s.ExpectError(LABKIT_CALL(ConnectUnix, path), ENOENT,
                  "return the errno connect() set, read before you close the socket");
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "close the socket when connect() fails");
  });
}

}  // namespace
}  // namespace labkit::lab05
