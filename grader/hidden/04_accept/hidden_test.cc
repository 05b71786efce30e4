// Lab 04 hidden tests for FormatPeer, AcceptWithPeer and AcceptAnonymous;
// the serving loop's cases are in hidden_serve_test.cc. Graded together
// with the public ones.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {
namespace {

TEST(Accept, ReportsTheIPv6PeerAddress) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "::1");
    int client = ConnectClient(s, listener);
    Accepted accepted = s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("listener", listener)));
    s.Expect("the peer AcceptWithPeer reports", LocalAddress(client), accepted.peer,
             "offer accept() a whole sockaddr_storage (set the length to sizeof it): a "
             "sockaddr_in6 is 28 bytes, and a 16-byte buffer cuts its address short");
    s.Expect("getpeername(accepted.fd)", Named{LocalAddress(client)},
             Named{PeerAddress(accepted.fd)});
  });
}

TEST(Accept, ShowsAnIPv4ClientOfAnIPv6ListenerAsMapped) {
  RunCase({.points = 1}, [](Script& s) {
    int listener = TestSocket(s, AF_INET6, SOCK_STREAM);
    int off = 0;
    s.Sys("setsockopt(listener, IPV6_V6ONLY, 0): IPv4 clients welcome",
          ::setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("::", 0, address);
    s.Sys("bind(listener, [::] port 0)",
          ::bind(listener, reinterpret_cast<sockaddr*>(&address), length));
    s.Sys(sys::Listen(As("listener", listener), 8));
    length = harness::MakeInetAddress("127.0.0.1", harness::LocalPort(listener), address);
    int client = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Sys("connect(client, 127.0.0.1 port " + std::to_string(harness::LocalPort(listener)) + ")",
          ::connect(client, reinterpret_cast<sockaddr*>(&address), length));
    std::string expected = "[::ffff:127.0.0.1]:" + std::to_string(harness::LocalPort(client));
    Accepted accepted = s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("listener", listener)));
    s.Expect("the peer AcceptWithPeer reports", expected, accepted.peer,
             "an IPv6 listener sees an IPv4 client as an IPv4-mapped IPv6 address: the family "
             "is AF_INET6, so format it as one");
  });
}

TEST(Accept, ReportsUnixPeersNamedAbstractAndUnnamed) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int listener = UnixListener(s, dir + "/server.sock");
    int unnamed = ConnectClient(s, listener, "unnamed");

    std::string path = dir + "/client.sock";
    sockaddr_un address;
    socklen_t length = UnixAddress(path, UnixName::kPath, address);
    int named = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("bind(named, \"" + path + "\")",
          ::bind(named, reinterpret_cast<sockaddr*>(&address), length));
    ConnectClient(s, listener, "named", named);

    // Abstract names are shared by the whole host: make this one unique.
    std::string name = "labkit-04-" + std::to_string(harness::CaseNumber());
    length = UnixAddress(name, UnixName::kAbstract, address);
    int abstract = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("bind(abstract, @" + name + ")",
          ::bind(abstract, reinterpret_cast<sockaddr*>(&address), length));
    ConnectClient(s, listener, "abstract", abstract);

    const char* hint =
        "an unbound client's address is only the family (length 2); a path ends at its NUL; "
        "an abstract name is the bytes after sun_path[0] up to the length accept() returned";
    for (auto [client, expected] : {std::pair{unnamed, std::string("unix:(unnamed)")},
                                    std::pair{named, "unix:" + path},
                                    std::pair{abstract, "unix:@" + name}}) {
      Accepted accepted = s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("listener", listener)));
      s.Expect("the peer AcceptWithPeer reports", expected, accepted.peer, hint);
      s.Expect("getpeername(accepted.fd)", Named{LocalAddress(client)},
               Named{PeerAddress(accepted.fd)});
    }
  });
}

TEST(Accept, FormatsPortsMappedAddressesAndOtherFamilies) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectFormatsInet(s, "10.20.30.40", 1, "10.20.30.40:1", "port 1 read without ntohs() is 256");
    ExpectFormatsInet(s, "::ffff:192.0.2.1", 65535, "[::ffff:192.0.2.1]:65535");

    sockaddr_storage storage{};
    auto& un = reinterpret_cast<sockaddr_un&>(storage);
    socklen_t length = UnixAddress("srv", UnixName::kAbstract, un);
    un.sun_path[4] = 'X';  // past the length: not part of the name
    s.Expect("FormatPeer(abstract \"srv\", length " + std::to_string(length) + ")",
             std::string("unix:@srv"),
             s.Call("FormatPeer(sockaddr_un @srv)", [&] { return FormatPeer(storage, length); }),
             "an abstract name is exactly the bytes the length covers after sun_path[0]");

    storage = {};
    storage.ss_family = AF_UNSPEC;
    s.Expect("FormatPeer(AF_UNSPEC)", std::string("family 0"),
             s.Call("FormatPeer(an AF_UNSPEC address)",
                    [&] { return FormatPeer(storage, sizeof(sa_family_t)); }),
             "the header says how to show a family that is none of the three");
  });
}

TEST(Accept, TakesAClientThatSentAndClosedBeforeAccept) {
  RunCase({.points = 1}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    int client = ConnectClient(s, listener);
    std::string expected_peer = LocalAddress(client);
    SendFrom(s, client, "client", "early words");
    s.Sys(sys::Close(As("client", client)));
    Accepted accepted = s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("listener", listener)),
                                   "the connection was complete before accept: it waits in the "
                                   "queue even after the client closed");
    s.Expect("the peer AcceptWithPeer reports", expected_peer, accepted.peer);
    harness::BoundWaits(accepted.fd, kWaitMs);
    s.Expect("what accepted.fd receives", RepliedAndClosed("early words"),
             ReadToEnd(accepted.fd));
  });
}

TEST(Accept, NonBlockingListenerGivesABlockingSocketThenEAGAIN) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "::1", O_NONBLOCK);
    int client = ConnectClient(s, listener);
    Accepted accepted = s.ExpectOk("AcceptWithPeer(listener) with one client waiting",
                                   [&] { return AcceptWithPeer(listener); });
    s.Expect("the peer AcceptWithPeer reports", LocalAddress(client), accepted.peer);
    s.Expect("O_NONBLOCK set on accepted.fd", false,
             (::fcntl(accepted.fd, F_GETFL) & O_NONBLOCK) != 0,
             "the new socket is blocking: do not ask accept4() for SOCK_NONBLOCK");
    int before = OpenFds(s, "now");
    s.ExpectError("AcceptWithPeer(listener) with the queue empty", EAGAIN,
                  [&] { return AcceptWithPeer(listener); });
    s.ExpectError("AcceptAnonymous(listener) with the queue empty", EAGAIN,
                  [&] { return AcceptAnonymous(listener); });
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds());
  });
}

TEST(Accept, ReportsWhatCannotBeAccepted) {
  RunCase({.points = 2}, [](Script& s) {
    int pipe_fds[2];
    s.Sys("pipe(pipe_fds)", ::pipe(pipe_fds));
    int udp = TestSocket(s, AF_INET, SOCK_DGRAM);
    int idle = TestSocket(s, AF_INET, SOCK_STREAM);
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("127.0.0.1", 0, address);
    s.Sys("bind(idle, 127.0.0.1 port 0): bound, never listening",
          ::bind(idle, reinterpret_cast<sockaddr*>(&address), length));
    int closed = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Sys(sys::Close(As("closed", closed)));
    int before = OpenFds(s, "before");
    struct Case {
      const char* name;
      int fd, error;
    };
    for (Case c : {Case{"idle", idle, EINVAL}, Case{"pipe_fds[0]", pipe_fds[0], ENOTSOCK},
                   Case{"udp", udp, EOPNOTSUPP}, Case{"closed", closed, EBADF}}) {
      s.ExpectError("AcceptWithPeer(" + std::string(c.name) + ")", c.error,
                    [&] { return AcceptWithPeer(c.fd); },
                    "return the errno accept() set, right after it failed");
      s.ExpectError("AcceptAnonymous(" + std::string(c.name) + ")", c.error,
                    [&] { return AcceptAnonymous(c.fd); });
    }
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "a failed accept opens nothing; close nothing of the caller's either");
  });
}

TEST(Accept, AnonymousAcceptTakesTwoWaitingClientsInOrder) {
  RunCase({.points = 1}, [](Script& s) {
    int listener = TcpListener(s, "::1");
    int first = ConnectClient(s, listener, "first");
    int second = ConnectClient(s, listener, "second");
    int before = OpenFds(s, "before accepting");
    int a = s.ExpectOk(LABKIT_CALL(AcceptAnonymous, As("listener", listener)));
    int b = s.ExpectOk(LABKIT_CALL(AcceptAnonymous, As("listener", listener)));
    s.Expect("getpeername of the first socket accepted", Named{LocalAddress(first)},
             Named{PeerAddress(a)}, "accept() takes the oldest waiting connection");
    s.Expect("getpeername of the second socket accepted", Named{LocalAddress(second)},
             Named{PeerAddress(b)});
    s.Expect("descriptors open afterwards", before + 2, harness::CountOpenFds(),
             "each accept() opens one descriptor, which belongs to the caller");
  });
}

}  // namespace
}  // namespace labkit::lab04
