// Lab 03 hidden tests: graded together with the public ones.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/03_listen/test_support.h"

namespace labkit::lab03 {
namespace {

// A socket of the test's own, bound to ip:0 and, if asked, listening.
int TestServer(Script& s, const std::string& ip, bool listening) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, 0, address);
  int fd = TestSocket(s, address.ss_family, SOCK_STREAM, kBoundedWaits);
  s.Sys("bind(fd, " + ip + " port 0)", ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  if (listening) s.Sys(sys::Listen(As("fd", fd), 4));
  return fd;
}

TEST(Listen, IPv6LoopbackTakesAClient) {
  RunCase({.points = 2}, [](Script& s) {
    int server = s.ExpectOk(LABKIT_CALL(ListenInet6, "::1", 0, 3),
                            "EINVAL from bind() often means a wrong length: sizeof(sockaddr_in6)");
    uint16_t port = LocalPort(server);
    s.Expect("getsockname(server)", Named{"[::1]:" + std::to_string(port)},
             Named{LocalAddress(server)});
    s.Expect("getsockopt(server, SO_TYPE)", harness::SocketType(SOCK_STREAM),
             harness::SocketType(harness::IntOption(server, SOL_SOCKET, SO_TYPE)),
             "only stream sockets listen");
    ExpectListening(s, server, "server");
    s.Expect("ListeningPort(server)", port,
             s.ExpectOk(LABKIT_CALL(ListeningPort, As("server", server))),
             "an AF_INET6 address is a sockaddr_in6: its port is sin6_port");
    ExpectConnect(s, "::1", port, "a client can connect once listen() has been called");
    AcceptOne(s, server, "server");
  });
}

TEST(Listen, IPv6ChosenPortInNetworkByteOrder) {
  RunCase({.points = 1}, [](Script& s) {
    uint16_t port = harness::UnusedPort("::1");
    s.Note("found a free port: " + std::to_string(port));
    int server = s.ExpectOk(LABKIT_CALL(ListenInet6, "::1", port, 4));
    s.Expect("getsockname(server)", Named{"[::1]:" + std::to_string(port)},
             Named{LocalAddress(server)}, SwappedPortHint(port));
  });
}

TEST(Listen, BacklogZeroStillQueuesOne) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    for (int backlog : {0, 1}) {
      std::string path = dir + "/backlog" + std::to_string(backlog) + ".sock";
      std::string call = "ListenUnix(\"" + path + "\", " + std::to_string(backlog) + ")";
      s.ExpectOk(call, [&] { return ListenUnix(path, backlog); });
      s.Expect("non-blocking clients that connect before one gets EAGAIN", backlog + 1,
               UnixConnectsUntilFull(path, 12),
               "0 is a backlog like any other, not \"pick a default\": Linux queues backlog + 1 "
               "AF_UNIX connections, so 0 gives exactly 1");
    }
  });
}

TEST(Listen, TcpListenerKeepsTheBacklogAsked) {
  RunCase({.points = 2}, [](Script& s) {
    for (int backlog : {5, 0}) {
      std::string call = "ListenInet(\"127.0.0.1\", 0, " + std::to_string(backlog) + ")";
      int server = s.ExpectOk(call, [&] { return ListenInet("127.0.0.1", 0, backlog); });
      s.Expect("the backlog the kernel keeps for it (TCP_INFO)", backlog, TcpBacklog(server),
               "pass backlog to listen() unchanged; -1 means the socket is not listening");
    }
    int server = s.ExpectOk(LABKIT_CALL(ListenInet6, "::1", 0, 2));
    s.Expect("the backlog the kernel keeps for it (TCP_INFO)", 2, TcpBacklog(server),
             "pass backlog to listen() unchanged");
  });
}

TEST(Listen, ListeningPortReadsIPv4AndIPv6) {
  RunCase({.points = 2}, [](Script& s) {
    int v4 = TestServer(s, "127.0.0.1", true);
    s.Expect("ListeningPort(v4)", LocalPort(v4),
             s.ExpectOk(LABKIT_CALL(ListeningPort, As("v4", v4))),
             "getsockname() gives the port in network byte order: ntohs() it");
    int v6 = TestServer(s, "::1", false);
    s.Expect("ListeningPort(v6), bound but not listening", LocalPort(v6),
             s.ExpectOk(LABKIT_CALL(ListeningPort, As("v6", v6))),
             "an AF_INET6 address is a sockaddr_in6: its port is sin6_port");
    int local = TestSocket(s, AF_UNIX, SOCK_STREAM, kBoundedWaits);
    s.ExpectError(LABKIT_CALL(ListeningPort, As("local", local)).Remark("an AF_UNIX socket"),
                  EAFNOSUPPORT, "an AF_UNIX socket has no port: look at ss_family");
    int fds[2];
    s.Sys("pipe(fds)", ::pipe(fds));
    s.ExpectError(LABKIT_CALL(ListeningPort, As("fds[0]", fds[0])).Remark("a pipe"), ENOTSOCK,
                  "return the errno getsockname() set");
  });
}

TEST(Listen, RejectsWhatIsNotANumericAddress) {
  RunCase({.points = 1}, [](Script& s) {
    int before = CountOpenFds();
    for (const char* ip : {"localhost", "::1", "300.1.2.3", "127.0.0.1 x", ""}) {
      s.ExpectError(LABKIT_CALL(ListenInet, ip, 0, 4), EINVAL,
                    "inet_pton() returns 1 only for a valid address: check it");
    }
    for (const char* ip : {"127.0.0.1", "localhost", "::g", "::1 x", ""}) {
      s.ExpectError(LABKIT_CALL(ListenInet6, ip, 0, 4), EINVAL,
                    "inet_pton(AF_INET6, ...) returns 1 only for a valid IPv6 address");
    }
    s.Expect("descriptors open after the failed calls", before, CountOpenFds(),
             "a bad address must leave no socket open");
  });
}

TEST(Listen, ClosesTheSocketOnEveryFailure) {
  RunCase({.points = 2}, [](Script& s) {
    int other = TestServer(s, "::1", true);
    uint16_t port = LocalPort(other);
    std::string missing = harness::MakeTempDir() + "/missing/server.sock";
    int before = CountOpenFds();
    s.Note("descriptors open: " + std::to_string(before));
    s.ExpectError(LABKIT_CALL(ListenInet, "192.0.2.1", 0, 4), EADDRNOTAVAIL,
                  "192.0.2.1 is not an address of this host: return bind()'s errno");
    s.ExpectError(LABKIT_CALL(ListenInet6, "::1", port, 4).Remark("a port in use"), EADDRINUSE);
    s.ExpectError(LABKIT_CALL(ListenUnix, missing, 4), ENOENT);
    s.Expect("descriptors open after the failed calls", before, CountOpenFds(),
             "each failure after socket() must close() the socket it created");
  });
}

TEST(Listen, ReportsSocketErrnoWhenOutOfDescriptors) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    const rlimit saved = harness::NoDescriptorFree(s);
    const char* hint = "socket() failed: return its errno, read before anything else (close(-1) "
                       "would turn it into EBADF)";
    s.ExpectError(LABKIT_CALL(ListenInet, "127.0.0.1", 0, 4), EMFILE, hint);
    s.ExpectError(LABKIT_CALL(ListenInet6, "::1", 0, 4), EMFILE, hint);
    s.ExpectError(LABKIT_CALL(ListenUnix, path, 4), EMFILE, hint);
    harness::PutBackDescriptorLimit(s, saved);
  });
}

TEST(Listen, UnixReplacesAStaleSocketFile) {
  RunCase({.points = 2}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    std::string call = "ListenUnix(\"" + path + "\", 4)";
    int first = s.ExpectOk(call, [&] { return ListenUnix(path, 4); });
    s.Sys(sys::Close(As("first", first)).Because("its socket file stays behind"));
    int second = s.ExpectOk(call + " again", [&] { return ListenUnix(path, 4); },
                            "remove a stale socket file (lstat + S_ISSOCK, then unlink) before "
                            "bind()");
    ExpectListening(s, second, "second");
    ExpectConnectUnix(s, path, "a client can connect once listen() has been called");
    AcceptOne(s, second, "second");
  });
}

TEST(Listen, UnixLeavesOtherFilesAlone) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/notes.txt";
    std::ofstream(path) << "keep me";
    s.Note("wrote \"keep me\" to " + path);
    int before = CountOpenFds();
    s.ExpectError(LABKIT_CALL(ListenUnix, path, 4), EADDRINUSE,
                  "unlink only a socket file: check the file type with lstat() first");
    s.Expect("the file's contents", std::string("keep me"), harness::ReadFile(path));
    std::string long_path = "/tmp/" + std::string(sizeof(sockaddr_un::sun_path) - 5, 'x');
    s.ExpectError(LABKIT_CALL(ListenUnix, As("a path of 108 characters", long_path), 4),
                  ENAMETOOLONG,
                  "the contract allows 107 characters: a path and its NUL must fit in sun_path");
    s.Expect("descriptors open after the failed calls", before, CountOpenFds(),
             "a failed ListenUnix must leave no socket open");
  });
}

TEST(Listen, ListensOnExactlyTheAddressAsked) {
  RunCase({.points = 2}, [](Script& s) {
    int loopback = s.ExpectOk(LABKIT_CALL(ListenInet, "127.0.0.1", 0, 4));
    uint16_t port = LocalPort(loopback);
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("127.0.0.2", port, address);
    int client = TestSocket(s, AF_INET, SOCK_STREAM, kBoundedWaits);
    s.Expect("connect(client, 127.0.0.2:" + std::to_string(port) + ")",
             Named{"error " + harness::ErrnoName(ECONNREFUSED)},
             ConnectOutcome(client, reinterpret_cast<sockaddr*>(&address), length),
             "a server on 127.0.0.1 is not reachable at 127.0.0.2: bind the address asked for, "
             "not INADDR_ANY");
    int any = s.ExpectOk(LABKIT_CALL(ListenInet, "0.0.0.0", 0, 4));
    uint16_t any_port = LocalPort(any);
    s.Expect("getsockname(any)", Named{"0.0.0.0:" + std::to_string(any_port)},
             Named{LocalAddress(any)});
    ExpectConnect(s, "127.0.0.2", any_port, "0.0.0.0 takes connections on every local address");
  });
}

TEST(Listen, IPv6ServerRestartsWhileAnOldConnectionIsClosing) {
  RunCase({.points = 2}, [](Script& s) {
    ExpectRestartOnTheSamePort(s, "::1", "ListenInet6(\"::1\", ",
                               [](uint16_t port) { return ListenInet6("::1", port, 4); });
  });
}

TEST(Listen, QueuesConnectionsUntilAccepted) {
  RunCase({.points = 2}, [](Script& s) {
    int server = s.ExpectOk(LABKIT_CALL(ListenInet, "127.0.0.1", 0, 4));
    s.Expect("O_NONBLOCK set on server", false, (::fcntl(server, F_GETFL) & O_NONBLOCK) != 0,
             "the contract asks for a blocking listener");
    uint16_t port = LocalPort(server);
    const char* hint = "the kernel completes connections and queues them until accept()";
    int first = ExpectConnect(s, "127.0.0.1", port, hint);
    int second = ExpectConnect(s, "127.0.0.1", port, hint);
    s.Note("two clients connected; nobody has called accept() yet");
    int a = AcceptOne(s, server, "server");
    s.Expect("the first accepted connection's peer", Named{LocalAddress(first)},
             Named{PeerAddress(a)});
    int b = AcceptOne(s, server, "server");
    s.Expect("the second accepted connection's peer", Named{LocalAddress(second)},
             Named{PeerAddress(b)});
  });
}

}  // namespace
}  // namespace labkit::lab03
