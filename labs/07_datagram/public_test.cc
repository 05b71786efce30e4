// Lab 07 public tests: run them with `./labkit check 07`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. The grader runs these
// and more (the hidden tests) in the same style.
#include <sys/stat.h>
#include <sys/un.h>

#include <cstddef>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/07_datagram/test_support.h"

namespace labkit::lab07 {
namespace {

TEST(Datagram, MakeEndpointBuildsIPv4AndIPv6Addresses) {
  RunCase({.points = 2}, [](Script& s) {
    Endpoint v4 = s.ExpectOk(LABKIT_CALL(MakeEndpoint, "127.0.0.1", 8080));
    s.Expect("the IPv4 address", Named{"127.0.0.1:8080"}, Where(v4),
             "36895 is 8080 with its two bytes swapped: convert the port with htons()");
    s.Expect("its length", unsigned{sizeof(sockaddr_in)}, unsigned{v4.length},
             "an IPv4 address is a sockaddr_in: its length is sizeof(sockaddr_in)");
    Endpoint v6 = s.ExpectOk(LABKIT_CALL(MakeEndpoint, "::1", 8080));
    s.Expect("the IPv6 address", Named{"[::1]:8080"}, Where(v6),
             "try inet_pton(AF_INET6, ...) when AF_INET does not parse; fill a sockaddr_in6");
    s.Expect("its length", unsigned{sizeof(sockaddr_in6)}, unsigned{v6.length},
             "a sockaddr_in6 is 28 bytes: sizeof(sockaddr_in) is too short for it");
    s.ExpectError(LABKIT_CALL(MakeEndpoint, "localhost", 8080), EINVAL,
                  "inet_pton() returns 1 only for a numeric address; anything else is EINVAL");
  });
}

TEST(Datagram, SendsAndReceivesOneDatagramOverIPv4) {
  RunCase({.points = 2}, [](Script& s) {
    int server = s.ExpectOk(LABKIT_CALL(OpenUdp, "127.0.0.1", 0));
    uint16_t port = LocalPort(server);
    s.ExpectTrue("the server is bound to a port", port != 0, LocalAddress(server),
                 "bind() the socket; port 0 asks the kernel for a free one");
    s.Expect("SO_TYPE of the server", harness::SocketType(SOCK_DGRAM),
             harness::SocketType(harness::IntOption(server, SOL_SOCKET, SO_TYPE)));
    int client = s.ExpectOk(LABKIT_CALL(OpenUdp, "127.0.0.1", 0));
    s.Note("client is " + LocalAddress(client));
    std::string call = "MakeEndpoint(\"127.0.0.1\", " + std::to_string(port) + ")";
    Endpoint to = s.ExpectOk(call, [&] { return MakeEndpoint("127.0.0.1", port); });
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("client", client), "hello, datagram", As("to", to)));
    SetReceiveTimeout(s, server, "server", 500);
    Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("server", server), 100));
    s.Expect("the payload", std::string("hello, datagram"), got.payload);
    s.Expect("the sender's address", Named{LocalAddress(client)}, Where(got.from),
             "recvfrom() fills in the sender's address and its length: keep both");
    s.Expect("full_length", size_t{15}, got.full_length);
    s.Expect("truncated", false, got.truncated);
  });
}

TEST(Datagram, KeepsMessageBoundariesAndEmptyDatagrams) {
  RunCase({.points = 2}, [](Script& s) {
    ExpectDatagramsOneByOne(
        s, {"abc", "defg", "", "h"}, 100,
        "recvfrom() returns 0 for an empty datagram: that is a datagram of length 0, not an "
        "end of stream and not an error",
        "one recvfrom() returns exactly one datagram, never two joined or one split",
        /*check_sender=*/true);
  });
}

TEST(Datagram, DetectsATruncatedDatagram) {
  RunCase({.points = 2}, [](Script& s) {
    int receiver = TestUdp(s, "receiver", "127.0.0.1");
    int sender = TestUdp(s, "sender", "127.0.0.1");
    TestSend(s, sender, "sender", "0123456789ABCDEF", EndpointOf(receiver));
    TestSend(s, sender, "sender", "next", EndpointOf(receiver));
    SetReceiveTimeout(s, receiver, "receiver", 500);
    Datagram cut = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("receiver", receiver), 10));
    s.Expect("the payload kept", std::string("0123456789"), cut.payload);
    s.Expect("truncated", true, cut.truncated,
             "recvfrom() cuts a long datagram silently; with MSG_TRUNC (Linux) it returns "
             "the real length, and recvmsg() sets MSG_TRUNC in msg_flags");
    s.Expect("full_length", size_t{16}, cut.full_length,
             "pass MSG_TRUNC to recvfrom(): it then returns the datagram's real length");
    Datagram next = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("receiver", receiver), 10));
    s.Expect("the next payload", std::string("next"), next.payload,
             "the rest of a truncated datagram is lost: the next receive starts a new datagram");
    s.Expect("truncated", false, next.truncated);
    s.Expect("full_length", size_t{4}, next.full_length);
  });
}

TEST(Datagram, EchoRepliesToEachSender) {
  RunCase({.points = 2}, [](Script& s) {
    int server = TestUdp(s, "server", "127.0.0.1");
    SetReceiveTimeout(s, server, "server", 500);
    int a = TestUdp(s, "a", "127.0.0.1");
    int b = TestUdp(s, "b", "127.0.0.1");
    TestSend(s, a, "a", "from a, 1", EndpointOf(server));
    TestSend(s, b, "b", "from b", EndpointOf(server));
    TestSend(s, a, "a", "from a, 2", EndpointOf(server));
    s.ExpectOk(LABKIT_CALL(Echo, As("server", server), 3));
    const char* hint = "send each reply to the address recvfrom() filled in for that datagram";
    s.Expect("a's first echo", std::string("from a, 1"), TestRecv(s, a, "a", hint), hint);
    s.Expect("a's second echo", std::string("from a, 2"), TestRecv(s, a, "a", hint), hint);
    s.Expect("b's echo", std::string("from b"), TestRecv(s, b, "b", hint), hint);
    ExpectNothingQueued(s, a, "a", hint);
    ExpectNothingQueued(s, b, "b", hint);
  });
}

TEST(Datagram, ConnectedUdpSocketSendsToItsPeer) {
  RunCase({.points = 2}, [](Script& s) {
    int peer = TestUdp(s, "peer", "127.0.0.1");
    const uint16_t port = LocalPort(peer);
    const std::string call = "ConnectUdp(\"127.0.0.1\", " + std::to_string(port) + ")";
    int fd = s.ExpectOk(call, [&] { return ConnectUdp("127.0.0.1", port); },
                        "socket(AF_INET, SOCK_DGRAM, 0), then connect() to the endpoint");
    s.Expect("getpeername(fd)", Named{"127.0.0.1:" + std::to_string(port)},
             Named{harness::PeerAddress(fd)}, "connect() the socket: it fixes the peer");
    s.ExpectOk(LABKIT_CALL(SendConnected, As("fd", fd), "hi"),
               "send() with no address goes to the connected peer");
    Endpoint from;
    s.Expect("what the peer got", std::string("hi"), TestRecv(s, peer, "peer", "", &from));
    s.Expect("the sender's address", Named{LocalAddress(fd)}, Where(from));
  });
}

TEST(Datagram, UnixDatagramSocketLivesAtItsPath) {
  RunCase({.points = 2}, [](Script& s) {
    const std::string path = harness::MakeTempDir() + "/lab07.sock";
    Endpoint to = s.ExpectOk(LABKIT_CALL(UnixEndpoint, path));
    s.Expect("the address", Named{"unix:" + path}, Where(to),
             "sun_family AF_UNIX, and the path copied into sun_path");
    s.Expect("its length", unsigned(offsetof(sockaddr_un, sun_path) + path.size() + 1),
             unsigned{to.length}, "offsetof(sockaddr_un, sun_path) + the path + its NUL");
    int fd = s.ExpectOk(LABKIT_CALL(OpenUnixDatagram, path),
                        "socket(AF_UNIX, SOCK_DGRAM, 0), then bind() to UnixEndpoint(path)");
    struct stat info;
    s.Expect("a socket file exists at the path", true,
             ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode),
             "bind() creates the socket file");
    s.Expect("SO_TYPE of fd", harness::SocketType(SOCK_DGRAM),
             harness::SocketType(harness::IntOption(fd, SOL_SOCKET, SO_TYPE)));
    s.Expect("getsockname(fd)", Named{"unix:" + path}, Named{LocalAddress(fd)});
  });
}

}  // namespace
}  // namespace labkit::lab07
