// Lab 07 hidden tests, part 1: UDP sockets, datagrams, the echo loop.
// Graded together with the public ones and hidden_connected_test.cc.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/hidden/07_datagram/hidden_support.h"

namespace labkit::lab07 {
namespace {

TEST(Datagram, OpenUdpOnIPv6Loopback) {
  RunCase({.points = 2}, [](Script& s) {
    int fd = s.ExpectOk(LABKIT_CALL(OpenUdp, "::1", 0),
                        "EINVAL from bind() often means a wrong length: sizeof(sockaddr_in6)");
    s.Expect("getsockname(fd)", Named{"[::1]:" + std::to_string(LocalPort(fd))},
             Named{LocalAddress(fd)});
    s.ExpectTrue("the kernel picked a port", LocalPort(fd) != 0, LocalAddress(fd));
    s.Expect("SO_TYPE", harness::SocketType(SOCK_DGRAM),
             harness::SocketType(harness::IntOption(fd, SOL_SOCKET, SO_TYPE)));
    int listened = ::listen(fd, 1);
    s.Expect("listen(fd, 1), made by the test: datagram sockets have no listen or accept",
             harness::Errno(EOPNOTSUPP), harness::Errno(listened == 0 ? 0 : errno));
    int accepted = ::accept(fd, nullptr, nullptr);
    s.Expect("accept(fd), made by the test", harness::Errno(EOPNOTSUPP),
             harness::Errno(accepted >= 0 ? 0 : errno));
    int peer = TestUdp(s, "peer", "::1");
    TestSend(s, peer, "peer", "over IPv6", EndpointOf(fd));
    SetReceiveTimeout(s, fd, "fd", 500);
    Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("fd", fd), 64));
    s.Expect("the payload", std::string("over IPv6"), got.payload);
    s.Expect("the sender's address", Named{LocalAddress(peer)}, Where(got.from),
             "recvfrom() needs room for a sockaddr_in6: pass a sockaddr_storage and its size");
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("fd", fd), "reply", As("got.from", got.from)));
    s.Expect("what the peer received", std::string("reply"), TestRecv(s, peer, "peer"));
  });
}

TEST(Datagram, OpenUdpBindsTheChosenPortAndLeaksNothing) {
  RunCase({.points = 2}, [](Script& s) {
    uint16_t port = ClosedUdpPort(s, "127.0.0.1");
    std::string at = "OpenUdp(\"127.0.0.1\", " + std::to_string(port) + ")";
    int before = harness::CountOpenFds();
    s.Note("open descriptors: " + std::to_string(before));
    int fd = s.ExpectOk(at, [&] { return OpenUdp("127.0.0.1", port); });
    uint16_t swapped = static_cast<uint16_t>((port >> 8) | (port << 8));
    s.Expect("getsockname(fd)", Named{"127.0.0.1:" + std::to_string(port)},
             Named{LocalAddress(fd)},
             "port " + std::to_string(swapped) + " would be this port with its bytes swapped: "
             "convert it with htons()");
    s.ExpectError(at + " again", EADDRINUSE, [&] { return OpenUdp("127.0.0.1", port); },
                  "return the errno bind() set, after closing the new socket");
    for (const char* ip : {"localhost", "", "127.0.0.1:80"}) {
      s.ExpectError(LABKIT_CALL(OpenUdp, ip, 0), EINVAL, "only numeric addresses are accepted");
    }
    s.Expect("open descriptors now", before + 1, harness::CountOpenFds(),
             "a failed OpenUdp must close the socket it created (or not create one)");
  });
}

TEST(Datagram, DualStackSocketHearsIPv4) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = s.ExpectOk(LABKIT_CALL(OpenUdp, "::", 0));
    uint16_t port = LocalPort(fd);
    int v4 = TestUdp(s, "v4", "127.0.0.1");
    TestSend(s, v4, "v4", "IPv4 to [::]", InetEndpoint("127.0.0.1", port));
    SetReceiveTimeout(s, fd, "fd", 500);
    Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("fd", fd), 64),
                              "a socket bound to [::] with IPV6_V6ONLY off takes IPv4 too");
    s.Expect("the sender's address, IPv4 mapped into IPv6",
             Named{"[::ffff:127.0.0.1]:" + std::to_string(LocalPort(v4))}, Where(got.from));
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("fd", fd), "back", As("got.from", got.from)));
    s.Expect("what the IPv4 sender received", std::string("back"), TestRecv(s, v4, "v4"));
  });
}

TEST(Datagram, FirstSendBindsAnUnboundSender) {
  RunCase({.points = 1}, [](Script& s) {
    int receiver = TestUdp(s, "receiver", "127.0.0.1");
    int sender = TestSocket(s, AF_INET, SOCK_DGRAM, {.name = "sender"});
    s.Note("sender, not bound, is at " + LocalAddress(sender));
    Endpoint to = EndpointOf(receiver);
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("sender", sender), "who am I?", As("receiver", to)));
    uint16_t port = LocalPort(sender);
    s.ExpectTrue("sendto gave the sender a port", port != 0, LocalAddress(sender));
    Endpoint from;
    s.Expect("what the receiver got", std::string("who am I?"),
             TestRecv(s, receiver, "receiver", "", &from));
    s.Expect("the sender's address", Named{"127.0.0.1:" + std::to_string(port)}, Where(from));
  });
}

TEST(Datagram, LargestDatagramsGoWholeAndLargerOnesAreRefused) {
  RunCase({.points = 2}, [](Script& s) {
    for (auto [ip, largest] : {std::pair<std::string, size_t>{"127.0.0.1", 65507},
                               std::pair<std::string, size_t>{"::1", 65527}}) {
      int receiver = TestUdp(s, "receiver", ip);
      int sender = TestUdp(s, "sender", ip);
      Endpoint to = EndpointOf(receiver);
      std::string big = Pattern(largest);
      std::string size = std::to_string(largest);
      s.ExpectOk(LABKIT_CALL(SendDatagram, As("sender", sender), As(size + " bytes", big),
                             As("receiver", to)));
      SetReceiveTimeout(s, receiver, "receiver", 500);
      Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("receiver", receiver), 70000));
      s.Expect("full_length", largest, got.full_length);
      s.ExpectTrue("the payload is the " + size + " bytes sent", got.payload == big,
                   ShowPayload(got.payload), "keep every byte recvfrom() returned");
      s.ExpectError(
          LABKIT_CALL(SendDatagram, As("sender", sender),
                      As(std::to_string(largest + 1) + " bytes", big + "!"), As("receiver", to)),
          EMSGSIZE, "a datagram is sent whole or not at all: report sendto()'s EMSGSIZE");
    }
  });
}

TEST(Datagram, ManySmallDatagramsArriveOneByOne) {
  RunCase({.points = 1}, [](Script& s) {
    std::vector<std::string> sent;
    for (int i = 0; i < 16; ++i) sent.push_back(i % 5 == 0 ? "" : std::to_string(i));
    ExpectDatagramsOneByOne(s, sent, 8, "an empty datagram is not an error: return it",
                            "each receive returns the next datagram, exactly as it was sent",
                            /*check_sender=*/false);
  });
}

TEST(Datagram, EchoesEmptyAndLargestDatagramsWhole) {
  RunCase({.points = 2}, [](Script& s) {
    int server = TestUdp(s, "server", "127.0.0.1");
    SetReceiveTimeout(s, server, "server", 500);
    int client = TestUdp(s, "client", "127.0.0.1");
    std::string big = Pattern(65507);
    TestSend(s, client, "client", "", EndpointOf(server));
    TestSend(s, client, "client", big, EndpointOf(server));
    TestSend(s, client, "client", "tail", EndpointOf(server));
    s.ExpectOk(LABKIT_CALL(Echo, As("server", server), 3),
               "recvfrom() returning 0 means an empty datagram: echo it and go on");
    s.Expect("the first echo", std::string(), TestRecv(s, client, "client"),
             "an empty datagram is echoed as an empty datagram");
    std::string echoed = TestRecv(s, client, "client");
    s.ExpectTrue("the second echo is the 65507 bytes sent", echoed == big, ShowPayload(echoed),
                 "receive into a buffer of kMaxDatagram bytes: a smaller one cuts big datagrams");
    s.Expect("the third echo", std::string("tail"), TestRecv(s, client, "client"));
  });
}

TEST(Datagram, EchoAnswersUnixSendersWithPathsOfDifferentLengths) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int server = TestUnix(s, "server", dir + "/echo.sock");
    SetReceiveTimeout(s, server, "server", 500);
    int a = TestUnix(s, "a", dir + "/a.sock");
    int b = TestUnix(s, "b", dir + "/a-client-with-a-much-longer-name.sock");
    Endpoint echo = EndpointOf(server);
    TestSend(s, a, "a", "short name", echo);
    TestSend(s, b, "b", "long name", echo);
    TestSend(s, a, "a", "short again", echo);
    const char* hint =
        "the address length is value-result: set it to the buffer's size before EVERY "
        "recvfrom(), or a longer address is cut to the previous one's length";
    s.ExpectOk(LABKIT_CALL(Echo, As("server", server), 3), hint);
    s.Expect("a's first echo", std::string("short name"), TestRecv(s, a, "a", hint), hint);
    s.Expect("b's echo", std::string("long name"), TestRecv(s, b, "b", hint), hint);
    s.Expect("a's second echo", std::string("short again"), TestRecv(s, a, "a", hint), hint);
  });
}

TEST(Datagram, EchoCannotAnswerAnUnboundOrOversizedUnixSender) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int server = TestUnix(s, "server", dir + "/echo.sock");
    SetReceiveTimeout(s, server, "server", 500);
    Endpoint echo = EndpointOf(server);
    int anonymous = TestSocket(s, AF_UNIX, SOCK_DGRAM, {.name = "anonymous"});
    TestSend(s, anonymous, "anonymous", "nobody", echo);
    s.ExpectError(LABKIT_CALL(Echo, As("server", server), 1), ENOTCONN,
                  "an AF_UNIX sender that never bound has no address (length 0): sendto() "
                  "to it fails with ENOTCONN; report that");
    int named = TestUnix(s, "named", dir + "/client.sock");
    TestSend(s, named, "named", std::string(70000, 'x'), echo);
    TestSend(s, named, "named", "after", echo);
    s.ExpectError("Echo(server, 1) for a 70000-byte datagram", EMSGSIZE,
                  [&] { return Echo(server, 1); },
                  "receive with MSG_TRUNC: a result above kMaxDatagram means the datagram "
                  "did not fit; drop it and report EMSGSIZE");
    s.ExpectOk(LABKIT_CALL(Echo, As("server", server), 1),
               "the oversized datagram must be consumed, so the next one is \"after\"");
    s.Expect("what the client got back", std::string("after"), TestRecv(s, named, "client"));
    ExpectNothingQueued(s, named, "client", "the oversized datagram must not be echoed");
  });
}

}  // namespace
}  // namespace labkit::lab07
