// Lab 07 hidden tests, part 3: the edges. Empty datagrams through every
// sender, exact sizes (max_size, kMaxDatagram, sun_path: at the limit and
// one past), echo loops with peers whose addresses differ in family and
// length, every kind of file at a socket's path, and descriptor 0.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/hidden/07_datagram/hidden_support.h"

namespace labkit::lab07 {
namespace {

// The test's own UDP socket, connected to `to`.
int TestConnectedUdp(Script& s, const std::string& name, const Endpoint& to) {
  int fd = TestUdp(s, name, "127.0.0.1");
  s.Sys("connect(" + name + ", " + Where(to).text + ")",
        ::connect(fd, reinterpret_cast<const sockaddr*>(&to.address), to.length));
  return fd;
}

TEST(Datagram, EmptyDatagramsGoThroughEverySender) {
  RunCase({.points = 2}, [](Script& s) {
    int receiver = TestUdp(s, "receiver", "127.0.0.1");
    int sender = TestUdp(s, "sender", "127.0.0.1");
    const char* hint = "an empty payload is a datagram of length 0: sendto() returns 0 for it, "
                       "and that is success";
    s.ExpectOk(
        LABKIT_CALL(SendDatagram, As("sender", sender), "", As("receiver", EndpointOf(receiver))),
        hint);
    s.Expect("what the receiver got", std::string(""), TestRecv(s, receiver, "receiver"),
             "send exactly one datagram, even when it is empty");
    int connected = TestConnectedUdp(s, "connected", EndpointOf(receiver));
    s.ExpectOk(LABKIT_CALL(SendConnected, As("connected", connected), ""), hint);
    s.Expect("what the receiver got", std::string(""), TestRecv(s, receiver, "receiver"));
    ExpectNothingQueued(s, receiver, "receiver");
  });
}

TEST(Datagram, RecvDatagramAtExactlyMaxSizeAndOneMore) {
  RunCase({.points = 2}, [](Script& s) {
    int receiver = TestUdp(s, "receiver", "127.0.0.1");
    int sender = TestUdp(s, "sender", "127.0.0.1");
    for (const char* payload : {"0123456789", "0123456789A", "abcde", ""}) {
      TestSend(s, sender, "sender", payload, EndpointOf(receiver));
    }
    SetReceiveTimeout(s, receiver, "receiver", 500);
    struct Expected {
      size_t max_size;
      std::string payload;
      size_t full_length;
      bool truncated;
    };
    for (const Expected& e : {Expected{10, "0123456789", 10, false},
                              Expected{10, "0123456789", 11, true}, Expected{0, "", 5, true},
                              Expected{0, "", 0, false}}) {
      const std::string call = "RecvDatagram(receiver, " + std::to_string(e.max_size) + ")";
      Datagram got = s.ExpectOk(call, [&] { return RecvDatagram(receiver, e.max_size); });
      s.Expect("the payload kept", e.payload, got.payload);
      s.Expect("full_length", e.full_length, got.full_length,
               "with MSG_TRUNC, recvfrom() returns the datagram's real length");
      s.Expect("truncated", e.truncated, got.truncated,
               "truncated means longer than max_size: a datagram of exactly max_size bytes "
               "is whole");
    }
  });
}

TEST(Datagram, EchoAtExactlyTheLargestDatagramAndOneMore) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int server = TestUnix(s, "server", dir + "/echo.sock");
    SetReceiveTimeout(s, server, "server", 500);
    int client = TestUnix(s, "client", dir + "/client.sock");
    const std::string largest = Pattern(kMaxDatagram);
    TestSend(s, client, "client", largest, EndpointOf(server));
    TestSend(s, client, "client", largest + "!", EndpointOf(server));
    TestSend(s, client, "client", "after", EndpointOf(server));
    s.ExpectOk("Echo(server, 1) for 65535 bytes", [&] { return Echo(server, 1); },
               "kMaxDatagram bytes fit exactly: only a longer datagram is EMSGSIZE");
    std::string echoed = TestRecv(s, client, "client");
    s.ExpectTrue("the echo is the 65535 bytes sent", echoed == largest, ShowPayload(echoed));
    s.ExpectError("Echo(server, 1) for 65536 bytes", EMSGSIZE, [&] { return Echo(server, 1); },
                  "one byte more than kMaxDatagram does not fit: EMSGSIZE");
    s.ExpectOk(LABKIT_CALL(Echo, As("server", server), 1));
    s.Expect("what the client got back", std::string("after"), TestRecv(s, client, "client"));
  });
}

TEST(Datagram, EchoServesIPv4AndIPv6PeersInOneRun) {
  RunCase({.points = 2}, [](Script& s) {
    int server = TestSocket(s, AF_INET6, SOCK_DGRAM, {.name = "server"});
    int off = 0;
    s.Sys("setsockopt(server, IPV6_V6ONLY, 0): IPv4 peers too",
          ::setsockopt(server, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
    Endpoint any = InetEndpoint("::", 0);
    s.Sys("bind(server, [::] port 0)",
          ::bind(server, reinterpret_cast<sockaddr*>(&any.address), any.length));
    SetReceiveTimeout(s, server, "server", 500);
    const uint16_t port = LocalPort(server);
    int v6 = TestUdp(s, "v6", "::1");
    int v4 = TestUdp(s, "v4", "127.0.0.1");
    TestSend(s, v6, "v6", "six", InetEndpoint("::1", port));
    TestSend(s, v4, "v4", "four", InetEndpoint("127.0.0.1", port));
    TestSend(s, v6, "v6", "six again", InetEndpoint("::1", port));
    const char* hint = "receive into a sockaddr_storage with its full size as the length, every "
                       "time: an IPv6 address (IPv4 ones arrive mapped) needs 28 bytes";
    s.ExpectOk(LABKIT_CALL(Echo, As("server", server), 3), hint);
    s.Expect("v6's first echo", std::string("six"), TestRecv(s, v6, "v6", hint), hint);
    s.Expect("v4's echo", std::string("four"), TestRecv(s, v4, "v4", hint), hint);
    s.Expect("v6's second echo", std::string("six again"), TestRecv(s, v6, "v6", hint), hint);
  });
}

TEST(Datagram, EchoServesUnixPeersOfEveryAddressLengthInOneRun) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int server = TestUnix(s, "server", dir + "/e.sock");
    SetReceiveTimeout(s, server, "server", 500);
    Endpoint echo = EndpointOf(server);
    int path = TestUnix(s, "path", dir + "/p.sock");
    int abstract = TestSocket(s, AF_UNIX, SOCK_DGRAM, {.name = "abstract"});
    sockaddr_un name{};
    name.sun_family = AF_UNIX;
    const std::string tag = "labkit-07-" + std::to_string(harness::CaseNumber());
    tag.copy(name.sun_path + 1, tag.size());
    s.Sys("bind(abstract, \"@" + tag + "\"): an abstract name, no NUL at its end",
          ::bind(abstract, reinterpret_cast<sockaddr*>(&name),
                 static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + tag.size())));
    int longer = TestUnix(s, "longer", dir + "/" + std::string(60, 'l') + ".sock");
    int unnamed = TestSocket(s, AF_UNIX, SOCK_DGRAM, {.name = "unnamed"});
    TestSend(s, path, "path", "by path", echo);
    TestSend(s, abstract, "abstract", "by abstract name", echo);
    TestSend(s, longer, "longer", "by a longer path", echo);
    TestSend(s, unnamed, "unnamed", "by nobody", echo);
    const char* hint = "reply to exactly the address and length recvfrom() gave for that "
                       "datagram, and reset the length before every recvfrom()";
    s.ExpectError(LABKIT_CALL(Echo, As("server", server), 4), ENOTCONN,
                  "the fourth sender never bound: sendto() to it fails with ENOTCONN");
    s.Expect("path's echo", std::string("by path"), TestRecv(s, path, "path", hint), hint);
    s.Expect("abstract's echo", std::string("by abstract name"),
             TestRecv(s, abstract, "abstract", hint), hint);
    s.Expect("longer's echo", std::string("by a longer path"), TestRecv(s, longer, "longer", hint),
             hint);
  });
}

// A short name for a file kind, from lstat(); "nothing" when there is none.
std::string KindAt(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return "nothing";
  if (S_ISREG(info.st_mode)) return "regular file";
  if (S_ISDIR(info.st_mode)) return "directory";
  if (S_ISLNK(info.st_mode)) return "symlink";
  if (S_ISFIFO(info.st_mode)) return "fifo";
  if (S_ISSOCK(info.st_mode)) return "socket";
  return "other";
}

TEST(Datagram, OpenUnixDatagramLeavesWhateverIsAtThePath) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int in_use = TestUnix(s, "in_use", dir + "/in-use.sock");
    (void)in_use;
    int stale = TestUnix(s, "stale", dir + "/stale.sock");
    s.Sys(sys::Close(As("stale", stale)).Because("its file stays, with nobody behind it"));
    s.Sys("create a regular file", ::close(::open((dir + "/file").c_str(), O_CREAT | O_WRONLY, 0600)));
    s.Sys("mkdir(directory)", ::mkdir((dir + "/directory").c_str(), 0700));
    s.Sys("mkfifo(fifo)", ::mkfifo((dir + "/fifo").c_str(), 0600));
    s.Sys("symlink(dangling -> missing)",
          ::symlink((dir + "/missing").c_str(), (dir + "/dangling").c_str()));
    s.Sys("symlink(to-socket -> in-use.sock)",
          ::symlink((dir + "/in-use.sock").c_str(), (dir + "/to-socket").c_str()));
    int before = harness::CountOpenFds();
    s.Note("open descriptors: " + std::to_string(before));
    for (const char* entry :
         {"in-use.sock", "stale.sock", "file", "directory", "fifo", "dangling", "to-socket"}) {
      const std::string path = dir + "/" + entry;
      const std::string kind = KindAt(path);
      s.ExpectError(LABKIT_CALL(OpenUnixDatagram, path).Remark("a " + kind), EADDRINUSE,
                    "bind() fails with EADDRINUSE when anything exists at the path; the "
                    "contract says to report it, not to remove what is there");
      s.Expect("what is at the path now", Named{kind}, Named{KindAt(path)},
               "never unlink the path: it may be another program's file or live socket");
    }
    s.Expect("open descriptors now", before, harness::CountOpenFds(),
             "close the socket when bind() fails");
  });
}

TEST(Datagram, UnixEndpointAtTheSunPathLimitAndEmpty) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    const size_t room = sizeof(sockaddr_un::sun_path);  // 108, the NUL included
    const std::string longest = dir + "/" + std::string(room - 1 - dir.size() - 1, 'x');
    const std::string call = "UnixEndpoint(a path of " + std::to_string(longest.size()) + ")";
    Endpoint at = s.ExpectOk(call, [&] { return UnixEndpoint(longest); },
                             "107 characters and the NUL fill sun_path exactly: that fits");
    s.Expect("the address", Named{"unix:" + longest}, Where(at));
    s.Expect("its length", unsigned(offsetof(sockaddr_un, sun_path) + room), unsigned{at.length});
    int fd = s.ExpectOk(LABKIT_CALL(OpenUnixDatagram, As("the same path", longest)));
    s.Expect("getsockname(fd)", Named{"unix:" + longest}, Named{LocalAddress(fd)});
    s.ExpectError(LABKIT_CALL(UnixEndpoint,
                              As("a path of " + std::to_string(longest.size() + 1), longest + "y")),
                  ENAMETOOLONG, "one character more leaves no room for the NUL");
    Endpoint empty = s.ExpectOk(LABKIT_CALL(UnixEndpoint, ""));
    s.Expect("the length of UnixEndpoint(\"\")", unsigned(offsetof(sockaddr_un, sun_path) + 1),
             unsigned{empty.length}, "an empty path is its NUL alone");
    s.Expect("its family", harness::Family(AF_UNIX), harness::Family(empty.address.ss_family));
  });
}

TEST(Datagram, DescriptorZeroIsASocketLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    ::close(0);
    s.Note("close(0): this case has no standard input");
    const char* hint = "0 is a valid descriptor: only -1 means none";
    int udp = s.ExpectOk(LABKIT_CALL(OpenUdp, "127.0.0.1", 0), hint);
    s.Expect("the descriptor, the lowest free one", 0, udp, hint);
    int peer = TestUdp(s, "peer", "127.0.0.1");
    s.ExpectOk(LABKIT_CALL(SendDatagram, 0, "zero", As("peer", EndpointOf(peer))), hint);
    s.Expect("what the peer got", std::string("zero"), TestRecv(s, peer, "peer"));
    TestSend(s, peer, "peer", "back", EndpointOf(0));
    SetReceiveTimeout(s, 0, "0", 500);
    s.Expect("RecvDatagram(0, 16)", std::string("back"),
             s.ExpectOk(LABKIT_CALL(RecvDatagram, 0, 16), hint).payload);
    s.Sys(sys::Close(As("0", 0)));
    int connected =
        s.ExpectOk(LABKIT_CALL(ConnectUdp, "127.0.0.1", As("peer's port", LocalPort(peer))), hint);
    s.Expect("the descriptor", 0, connected, hint);
    s.ExpectOk(LABKIT_CALL(SendConnected, 0, "again"), hint);
    s.Expect("what the peer got", std::string("again"), TestRecv(s, peer, "peer"));
    s.Sys(sys::Close(As("0", 0)));
    const std::string path = harness::MakeTempDir() + "/zero.sock";
    s.Expect("OpenUnixDatagram(\"" + path + "\")", 0,
             s.ExpectOk(LABKIT_CALL(OpenUnixDatagram, path), hint));
  });
}

TEST(Datagram, EchoStopsWhenTheReceiveTimeoutExpires) {
  RunCase({.points = 1}, [](Script& s) {
    int server = TestUdp(s, "server", "127.0.0.1");
    SetReceiveTimeout(s, server, "server", 50);
    int client = TestUdp(s, "client", "127.0.0.1");
    TestSend(s, client, "client", "only one", EndpointOf(server));
    s.ExpectError(LABKIT_CALL(Echo, As("server", server), 2), EAGAIN,
                  "when the receive timeout expires, recvfrom() fails with EAGAIN: stop and "
                  "return it, do not wait again");
    s.Expect("what the client got back", std::string("only one"), TestRecv(s, client, "client"),
             "the datagram that came before the timeout is answered");
  });
}

TEST(Datagram, ConnectUdpTakesOnlyNumericAddresses) {
  RunCase({.points = 1}, [](Script& s) {
    int peer = TestUdp(s, "peer", "::1");
    const uint16_t port = LocalPort(peer);
    int before = harness::CountOpenFds();
    s.Note("open descriptors: " + std::to_string(before));
    for (const char* ip : {"localhost", "", "::1 "}) {
      s.ExpectError(LABKIT_CALL(ConnectUdp, ip, port), EINVAL,
                    "only numeric addresses: inet_pton(), or getaddrinfo() with "
                    "AI_NUMERICHOST; a name must not be looked up");
    }
    s.Expect("open descriptors now", before, harness::CountOpenFds(),
             "check the address before socket(), or close the socket on failure");
    int fd = s.ExpectOk(LABKIT_CALL(ConnectUdp, "::1", port),
                        "an IPv6 address needs an AF_INET6 socket and a sockaddr_in6");
    s.Expect("getpeername(fd)", Named{"[::1]:" + std::to_string(port)},
             Named{harness::PeerAddress(fd)});
    s.ExpectError(LABKIT_CALL(MakeEndpoint, "", 80), EINVAL);
  });
}

TEST(Datagram, OpeningReportsSocketErrnoWhenOutOfDescriptors) {
  RunCase({.points = 1}, [](Script& s) {
    const std::string path = harness::MakeTempDir() + "/server.sock";
    const rlimit saved = harness::NoDescriptorFree(s);
    const char* hint = "socket() failed: return its errno at once, before bind() or connect() "
                       "(which would say EBADF)";
    s.ExpectError(LABKIT_CALL(OpenUdp, "127.0.0.1", 0), EMFILE, hint);
    s.ExpectError(LABKIT_CALL(ConnectUdp, "127.0.0.1", 9), EMFILE, hint);
    s.ExpectError(LABKIT_CALL(OpenUnixDatagram, path), EMFILE, hint);
    harness::PutBackDescriptorLimit(s, saved);
  });
}

}  // namespace
}  // namespace labkit::lab07
