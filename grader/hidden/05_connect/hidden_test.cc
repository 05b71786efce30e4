// Lab 05 hidden tests: graded together with the public ones.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/05_connect/test_support.h"

namespace labkit::lab05 {
namespace {

std::string Quoted(const std::string& text) { return "\"" + text + "\""; }

std::string Args(const std::string& ip, uint16_t port) {
  return "(" + Quoted(ip) + ", " + std::to_string(port) + ")";
}

const char kCloseHint[] = "close the socket when connect() fails, after reading errno";

TEST(Connect, Inet6ReportsAClosedPortAndLeaksNothing) {
  RunCase({.points = 1}, [](Script& s) {
    uint16_t port = harness::UnusedPort("::1");
    s.Note("nothing listens on [::1]:" + std::to_string(port));
    int before = CountOpenFds();
    s.ExpectError("ConnectInet6" + Args("::1", port), ECONNREFUSED,
                  [&] { return ConnectInet6("::1", port); });
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
  });
}

TEST(Connect, IPv6LoopbackIsNotIPv4Loopback) {
  RunCase({.points = 2}, [](Script& s) {
    int server = InetListener(s, "127.0.0.1");
    uint16_t port = LocalPort(server);
    s.ExpectError("ConnectInet6" + Args("::1", port), ECONNREFUSED,
                  [&] { return ConnectInet6("::1", port); },
                  "::1 and 127.0.0.1 are different addresses: the server listens on IPv4 only");
    std::string only_v6;
    std::ifstream("/proc/sys/net/ipv6/bindv6only") >> only_v6;
    if (only_v6 == "1") return s.Note("IPv6 sockets are IPv6-only on this host; no mapped check");
    std::string mapped = "::ffff:127.0.0.1";
    int client = s.ExpectOk("ConnectInet6" + Args(mapped, port),
                            [&] { return ConnectInet6(mapped, port); },
                            "an IPv4-mapped address lets an IPv6 socket reach an IPv4 server");
    CheckConnected(s, client, server, "[" + mapped + "]:" + std::to_string(port));
  });
}

TEST(Connect, RejectsWhatIsNotANumericAddress) {
  RunCase({.points = 1}, [](Script& s) {
    int before = CountOpenFds();
    for (const char* ip : {"localhost", "", "300.1.2.3", "::1"}) {
      s.ExpectError("ConnectInet" + Args(ip, 80), EINVAL, [&] { return ConnectInet(ip, 80); },
                    "inet_pton() returns 1 only for a valid address: check it");
    }
    for (const char* ip : {"localhost", "127.0.0.1", "::1::"}) {
      s.ExpectError("ConnectInet6" + Args(ip, 80), EINVAL, [&] { return ConnectInet6(ip, 80); },
                    "inet_pton(AF_INET6, ...) returns 1 only for a valid IPv6 address");
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(),
             "parse the address before you create the socket");
  });
}

TEST(Connect, ChecksTheAddressBeforeMakingASocket) {
  RunCase({.points = 1}, [](Script& s) {
    uint16_t port = harness::UnusedPort("127.0.0.1");
    const rlimit saved = harness::NoDescriptorFree(s);
    s.ExpectError("ConnectInet" + Args("localhost", port), EINVAL,
                  [&] { return ConnectInet("localhost", port); },
                  "EMFILE means you called socket() first: parse the address before that");
    s.ExpectError(
        LABKIT_CALL(ConnectUnix, As("a path of 200 characters", "/tmp/" + std::string(195, 'x'))),
        ENAMETOOLONG, "check the length before you call socket()");
    s.ExpectError("ConnectInet" + Args("127.0.0.1", port), EMFILE,
                  [&] { return ConnectInet("127.0.0.1", port); },
                  "when socket() fails, return its errno");
    harness::PutBackDescriptorLimit(s, saved);
  });
}

TEST(Connect, PeerAddressOfIPv6AndUnixPeers) {
  RunCase({.points = 2}, [](Script& s) {
    int server6 = InetListener(s, "::1");
    int client6 = ConnectTestClient(s, "client6", "::1", server6, "server6");
    ExpectPeerAddress(s, "client6", client6, LocalAddress(server6),
                      "an AF_INET6 peer is a sockaddr_in6: write its address in brackets, "
                      "then the port");
    std::string path = harness::MakeTempDir() + "/server.sock";
    UnixListener(s, path);
    sockaddr_un unix_address;
    socklen_t unix_length = UnixAddress(path, UnixName::kPath, unix_address);
    int client = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("connect(client, \"" + path + "\")",
          ::connect(client, reinterpret_cast<sockaddr*>(&unix_address), unix_length));
    ExpectPeerAddress(s, "client", client, "unix:" + path,
                      "an AF_UNIX peer is a sockaddr_un: the path is in sun_path");
  });
}

TEST(Connect, PeerAddressReportsGetpeernameErrors) {
  RunCase({.points = 1}, [](Script& s) {
    int lonely = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(PeerAddress, As("lonely", lonely)).Remark("a socket never connected"),
                  ENOTCONN, "return the errno getpeername() set");
    int server = InetListener(s, "127.0.0.1");
    s.ExpectError(LABKIT_CALL(PeerAddress, As("server", server)).Remark("a listening socket"),
                  ENOTCONN, "a listening socket has no peer: use getpeername(), not getsockname()");
    int pipe_fds[2];
    s.Sys("pipe(pipe_fds)", ::pipe(pipe_fds));
    s.ExpectError(LABKIT_CALL(PeerAddress, As("pipe_fds[0]", pipe_fds[0])), ENOTSOCK);
  });
}

TEST(Connect, EachClientIsASocketOfItsOwn) {
  RunCase({.points = 1}, [](Script& s) {
    int server = InetListener(s, "127.0.0.1");
    uint16_t port = LocalPort(server);
    std::string call = "ConnectInet" + Args("127.0.0.1", port);
    int first = s.ExpectOk(call + " for the first client",
                           [&] { return ConnectInet("127.0.0.1", port); }, PortHint(port));
    int second = s.ExpectOk(call + " for the second client",
                            [&] { return ConnectInet("127.0.0.1", port); });
    s.ExpectTrue("two different descriptors", first != second,
                 std::to_string(first) + " and " + std::to_string(second),
                 "make a new socket for each connection");
    s.Expect("SO_TYPE of the second", harness::SocketType(SOCK_STREAM),
             harness::SocketType(harness::IntOption(second, SOL_SOCKET, SO_TYPE)),
             "the server is a stream server: the client must be a stream socket too");
    s.Expect("SO_DOMAIN of the second", harness::Family(AF_INET),
             harness::Family(harness::IntOption(second, SOL_SOCKET, SO_DOMAIN)));
    s.ExpectTrue("the kernel gave each client its own port",
                 LocalPort(first) != 0 && LocalPort(first) != LocalPort(second),
                 LocalAddress(first) + " and " + LocalAddress(second));
    CheckConnected(s, first, server);
    CheckConnected(s, second, server);
  });
}

TEST(Connect, UnixReportsFilesNobodyListensOn) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    std::ofstream(dir + "/notes.txt") << "not a socket";
    s.Note("wrote a regular file at " + dir + "/notes.txt");
    int stale = UnixListener(s, dir + "/stale.sock");
    s.Sys("close(server): its socket file stays behind", ::close(stale));
    sockaddr_un address;
    socklen_t length = UnixAddress(dir + "/idle.sock", UnixName::kPath, address);
    int idle = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("bind(idle, \"" + dir + "/idle.sock\"), and no listen()",
          ::bind(idle, reinterpret_cast<sockaddr*>(&address), length));
    int before = CountOpenFds();
    for (const char* name : {"/notes.txt", "/stale.sock", "/idle.sock"}) {
      s.ExpectError(LABKIT_CALL(ConnectUnix, As("\"" + dir + name + "\"", dir + name)),
                    ECONNREFUSED,
                    "a file exists there, but no socket listens: connect() says ECONNREFUSED");
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
  });
}

TEST(Connect, UnixPathLengthLimit) {
  RunCase({.points = 1}, [](Script& s) {
    // Relative paths, so the case's own directory does not count in the length.
    std::string dir = harness::MakeTempDir();
    s.Sys("chdir(\"" + dir + "\")", ::chdir(dir.c_str()));
    const size_t longest = sizeof(sockaddr_un::sun_path) - 1;
    std::string path(longest, 'p');
    int server = UnixListener(s, path);
    s.Note("the server's path has " + std::to_string(path.size()) + " characters");
    int client = s.ExpectOk(LABKIT_CALL(ConnectUnix, As("that path", path)),
                            "107 characters and the NUL fill sun_path exactly: that still fits");
    CheckConnected(s, client, server);
    for (size_t size : {longest + 1, size_t{300}}) {
      std::string too_long(size, 'q');
      s.ExpectError(LABKIT_CALL(ConnectUnix,
                                As("a path of " + std::to_string(size) + " characters", too_long)),
                    ENAMETOOLONG,
                    "the contract allows 107 characters: a path and its NUL must fit in sun_path");
    }
  });
}

TEST(Connect, StreamClientNeedsAStreamServer) {
  RunCase({.points = 2}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/datagram.sock";
    UnixListener(s, path, SOCK_DGRAM);
    int before = CountOpenFds();
    s.ExpectError(LABKIT_CALL(ConnectUnix, path), EPROTOTYPE,
                  "a datagram socket listens there: a stream client cannot connect to it");
    int udp = BoundInetSocket(s, "127.0.0.1", SOCK_DGRAM);
    uint16_t port = LocalPort(udp);
    s.ExpectError("ConnectInet" + Args("127.0.0.1", port) + " where only UDP is bound",
                  ECONNREFUSED, [&] { return ConnectInet("127.0.0.1", port); },
                  "TCP and UDP ports are separate: no TCP server listens there");
    int idle = BoundInetSocket(s, "127.0.0.1");
    port = LocalPort(idle);
    s.ExpectError("ConnectInet" + Args("127.0.0.1", port) + " where TCP is bound, not listening",
                  ECONNREFUSED, [&] { return ConnectInet("127.0.0.1", port); });
    s.Expect("descriptors open afterwards", before + 2, CountOpenFds(), kCloseHint);
  });
}

TEST(Connect, FailedConnectsLeaveNoDescriptorOpen) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    std::ofstream(dir + "/notes.txt") << "not a socket";
    uint16_t port4 = harness::UnusedPort("127.0.0.1"), port6 = harness::UnusedPort("::1");
    int probe = s.Sys("open(\"/dev/null\") to learn the lowest free descriptor",
                      ::open("/dev/null", O_RDONLY));
    s.Sys(sys::Close(As("probe", probe)));
    int before = CountOpenFds();
    for (int round = 1; round <= 3; ++round) {
      s.Note("round " + std::to_string(round));
      s.ExpectError("ConnectInet" + Args("127.0.0.1", port4), ECONNREFUSED,
                    [&] { return ConnectInet("127.0.0.1", port4); });
      s.ExpectError("ConnectInet6" + Args("::1", port6), ECONNREFUSED,
                    [&] { return ConnectInet6("::1", port6); });
      s.ExpectError(
          LABKIT_CALL(ConnectUnix, As("\"" + dir + "/missing.sock\"", dir + "/missing.sock")),
          ENOENT);
      s.ExpectError(LABKIT_CALL(ConnectUnix, As("\"" + dir + "/notes.txt\"", dir + "/notes.txt")),
                    ECONNREFUSED);
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
    int next = s.Sys("open(\"/dev/null\"): the lowest free descriptor now",
                     ::open("/dev/null", O_RDONLY));
    s.Expect("the lowest free descriptor", probe, next, kCloseHint);
  });
}

TEST(Connect, NumericPicksTheFamilyFromTheAddress) {
  RunCase({.points = 2}, [](Script& s) {
    for (auto [ip, family] : {std::pair{"127.0.0.1", AF_INET}, std::pair{"::1", AF_INET6}}) {
      int server = InetListener(s, ip);
      uint16_t port = LocalPort(server);
      int client = s.ExpectOk("ConnectNumeric" + Args(ip, port),
                              [&] { return ConnectNumeric(ip, port); });
      s.Expect("SO_DOMAIN of the client", harness::Family(family),
               harness::Family(harness::IntOption(client, SOL_SOCKET, SO_DOMAIN)),
               "the client's socket must have the family of the server's address");
      CheckConnected(s, client, server);
    }
  });
}

TEST(Connect, NumericRejectsNamesAndReportsRefusal) {
  RunCase({.points = 1}, [](Script& s) {
    int before = CountOpenFds();
    for (const char* host : {"localhost", "", "300.1.2.3", "::1::"}) {
      s.ExpectError("ConnectNumeric" + Args(host, 80), EINVAL,
                    [&] { return ConnectNumeric(host, 80); },
                    "numeric addresses only: AI_NUMERICHOST makes getaddrinfo() skip names");
    }
    for (const char* ip : {"127.0.0.1", "::1"}) {
      uint16_t port = harness::UnusedPort(ip);
      s.ExpectError("ConnectNumeric" + Args(ip, port), ECONNREFUSED,
                    [&] { return ConnectNumeric(ip, port); }, "return connect()'s errno");
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
  });
}

TEST(Connect, ReadsToTheEndOfTheStreamLikeAFile) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int server = UnixListener(s, path);
    int client = s.ExpectOk(LABKIT_CALL(ConnectUnix, path));
    int conn = AcceptClient(s, server);
    const std::string farewell = "bye";
    s.Sys("write(conn, \"bye\")",
          static_cast<int>(::write(conn, farewell.data(), farewell.size())));
    s.Sys(sys::Close(As("conn", conn)).Because("the server hangs up"));
    harness::BoundWaits(client, kWaitMs, harness::Waits::kReceives);
    s.Expect("read(client)", farewell, ReadBytes(client, farewell.size()));
    char byte;
    s.Expect("read(client) after the server closed", 0L,
             static_cast<long>(::read(client, &byte, 1)),
             "read() returns 0 at the end of the stream, as at the end of a file");
  });
}

}  // namespace
}  // namespace labkit::lab05
