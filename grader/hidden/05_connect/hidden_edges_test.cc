// Lab 05 hidden tests at the edges of the contract: names where only
// numbers are promised (the jail resolves "localhost" as a student's machine
// does), every kind of file at an AF_UNIX path, empty input through every
// function, port 0, descriptor 0, and PeerAddress's longest texts.
#include <fcntl.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/05_connect/test_support.h"

namespace labkit::lab05 {
namespace {

std::string Call(const std::string& function, const std::string& host, uint16_t port) {
  return function + "(\"" + host + "\", " + std::to_string(port) + ")";
}

const char kCloseHint[] = "close the socket when connect() fails, after reading errno";

// Nothing is waiting at the test's server: no connection reached it.
void ExpectNothingArrived(Script& s, const std::string& name, int server) {
  bool waiting = harness::WaitFor(server, POLLIN, 0);
  s.ExpectTrue("no connection waits at " + name, !waiting,
               waiting ? "a connection arrived" : "none",
               "a name must never be looked up: numeric addresses only");
}

TEST(Connect, NumericOnlyEvenWhereNamesResolve) {
  RunCase({.points = 2}, [](Script& s) {
    int server4 = InetListener(s, "127.0.0.1");
    int server6 = InetListener(s, "::1");
    const uint16_t port4 = LocalPort(server4), port6 = LocalPort(server6);
    s.Note("\"localhost\" names 127.0.0.1 (and ::1 in the grader's /etc/hosts): a client "
           "that looked it up would reach these servers");
    int before = CountOpenFds();
    const char* hint = "numeric addresses only: inet_pton(), or getaddrinfo() with "
                       "AI_NUMERICHOST, never a name lookup";
    s.ExpectError(Call("ConnectInet", "localhost", port4), EINVAL,
                  [&] { return ConnectInet("localhost", port4); }, hint);
    s.ExpectError(Call("ConnectNumeric", "localhost", port4), EINVAL,
                  [&] { return ConnectNumeric("localhost", port4); }, hint);
    for (const char* name : {"localhost", "ip6-localhost"}) {
      s.ExpectError(Call("ConnectInet6", name, port6), EINVAL,
                    [&] { return ConnectInet6(name, port6); }, hint);
      s.ExpectError(Call("ConnectNumeric", name, port6), EINVAL,
                    [&] { return ConnectNumeric(name, port6); }, hint);
    }
    ExpectNothingArrived(s, "127.0.0.1:" + std::to_string(port4), server4);
    ExpectNothingArrived(s, "[::1]:" + std::to_string(port6), server6);
    s.Expect("descriptors open afterwards", before, CountOpenFds(),
             "parse the address before you create the socket");
  });
}

TEST(Connect, UnixFollowsLinksAndRefusesOtherFiles) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int server = UnixListener(s, dir + "/server.sock");
    s.Sys("symlink(\"server.sock\", \"link.sock\"): a link to the listening socket",
          ::symlink("server.sock", (dir + "/link.sock").c_str()));
    s.Sys("symlink(\"nowhere\", \"dangling.sock\"): a link to nothing",
          ::symlink("nowhere", (dir + "/dangling.sock").c_str()));
    s.Sys("mkdir(\"folder\", 0777)", ::mkdir((dir + "/folder").c_str(), 0777));
    s.Sys("mkfifo(\"fifo\", 0666)", ::mkfifo((dir + "/fifo").c_str(), 0666));
    int before = CountOpenFds();
    struct Case {
      const char* name;
      int error;
      const char* why;
    };
    for (Case c : {Case{"/folder", ECONNREFUSED, "a directory is there, not a listening socket"},
                   Case{"/fifo", ECONNREFUSED, "a fifo is there, not a listening socket"},
                   Case{"/dangling.sock", ENOENT, "the link leads nowhere: nothing exists there"},
                   Case{"/missing/x.sock", ENOENT, "the directory on the way does not exist"}}) {
      s.ExpectError("ConnectUnix(\"" + dir + c.name + "\")", c.error,
                    [&] { return ConnectUnix(dir + c.name); },
                    std::string(c.why) + ": return the errno connect() gives");
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
    std::string link = dir + "/link.sock";
    int client = s.ExpectOk(LABKIT_CALL(ConnectUnix, link),
                            "connect() follows a symbolic link to the socket it names: let it "
                            "(lstat() sees a link, not a socket)");
    CheckConnected(s, client, server);
  });
}

TEST(Connect, EmptyInputThroughEveryFunction) {
  RunCase({.points = 1}, [](Script& s) {
    int before = CountOpenFds();
    s.ExpectError(Call("ConnectInet", "", 80), EINVAL, [&] { return ConnectInet("", 80); },
                  "an empty string is no IPv4 address");
    s.ExpectError(Call("ConnectInet6", "", 80), EINVAL, [&] { return ConnectInet6("", 80); },
                  "an empty string is no IPv6 address");
    s.ExpectError(Call("ConnectNumeric", "", 80), EINVAL,
                  [&] { return ConnectNumeric("", 80); }, "an empty string is no address");
    // connect() refuses an empty path (ECONNREFUSED, or EINVAL for a length
    // that covers no path, as SUN_LEN's does); a check of its own may say ENOENT.
    SysResult<int> empty = s.Call(LABKIT_CALL(ConnectUnix, ""));
    const bool refused = !empty.ok() && (empty.error() == ECONNREFUSED ||
                                          empty.error() == EINVAL || empty.error() == ENOENT);
    s.ExpectTrue("ConnectUnix(\"\") fails with ECONNREFUSED, EINVAL or ENOENT", refused,
                 harness::Show(empty),
                 "an empty path names no socket: fail, with connect()'s errno");
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
  });
}

TEST(Connect, EveryFunctionParsesBeforeMakingASocket) {
  RunCase({.points = 1}, [](Script& s) {
    const rlimit saved = harness::NoDescriptorFree(s);
    const char* hint = "EMFILE means you called socket() first: parse the address before that";
    for (const char* ip : {"localhost", "127.0.0.1", "::1::"}) {
      s.ExpectError(Call("ConnectInet6", ip, 80), EINVAL, [&] { return ConnectInet6(ip, 80); },
                    hint);
    }
    for (const char* host : {"localhost", "300.1.2.3"}) {
      s.ExpectError(Call("ConnectNumeric", host, 80), EINVAL,
                    [&] { return ConnectNumeric(host, 80); }, hint);
    }
    s.ExpectError(
        LABKIT_CALL(ConnectUnix, As("a path of 108 characters", "/" + std::string(107, 'x'))),
        ENAMETOOLONG, hint);
    s.ExpectError(Call("ConnectInet6", "::1", 80), EMFILE, [&] { return ConnectInet6("::1", 80); },
                  "when socket() fails, return its errno");
    harness::PutBackDescriptorLimit(s, saved);
  });
}

TEST(Connect, PortZeroIsRefusedLikeAnyClosedPort) {
  RunCase({.points = 1}, [](Script& s) {
    int before = CountOpenFds();
    const char* hint = "port 0 is a port like any other for connect(): nothing listens there, "
                       "so connect() says ECONNREFUSED; pass its errno on";
    s.ExpectError(Call("ConnectInet", "127.0.0.1", 0), ECONNREFUSED,
                  [&] { return ConnectInet("127.0.0.1", 0); }, hint);
    s.ExpectError(Call("ConnectInet6", "::1", 0), ECONNREFUSED,
                  [&] { return ConnectInet6("::1", 0); }, hint);
    for (const char* host : {"127.0.0.1", "::1"}) {
      s.ExpectError(Call("ConnectNumeric", host, 0), ECONNREFUSED,
                    [&] { return ConnectNumeric(host, 0); }, hint);
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(), kCloseHint);
  });
}

TEST(Connect, ReturnsDescriptorZeroWhenStdinIsClosed) {
  RunCase({.points = 2}, [](Script& s) {
    int server4 = InetListener(s, "127.0.0.1");
    int server6 = InetListener(s, "::1");
    std::string path = harness::MakeTempDir() + "/server.sock";
    int server_unix = UnixListener(s, path);
    s.Sys(sys::Close(As("0", 0)).Because("stdin closed, so 0 is the lowest free descriptor"));
    const char* hint =
        "socket() returned 0, a valid descriptor: only a negative result is a failure";
    std::vector<std::pair<std::string, std::function<SysResult<int>()>>> calls = {
        {Call("ConnectInet", "127.0.0.1", LocalPort(server4)),
         [&] { return ConnectInet("127.0.0.1", LocalPort(server4)); }},
        {Call("ConnectInet6", "::1", LocalPort(server6)),
         [&] { return ConnectInet6("::1", LocalPort(server6)); }},
        {"ConnectUnix(\"" + path + "\")", [&] { return ConnectUnix(path); }},
        {Call("ConnectNumeric", "::1", LocalPort(server6)),
         [&] { return ConnectNumeric("::1", LocalPort(server6)); }}};
    const std::vector<int> servers = {server4, server6, server_unix, server6};
    for (size_t i = 0; i < calls.size(); ++i) {
      int client = s.ExpectOk(calls[i].first, calls[i].second, hint);
      s.Expect("the descriptor returned", 0, client,
               "return the descriptor socket() gave you");
      ExpectPeerAddress(s, "0", client, LocalAddress(servers[i]),
                        "descriptor 0 is a socket like any other: call getpeername() on it");
      int conn = AcceptClient(s, servers[i]);
      s.Sys(sys::Close(As("conn", conn)));
      s.Sys("close(0)", ::close(client));
    }
  });
}

TEST(Connect, PeerAddressAtItsLimits) {
  RunCase({.points = 1}, [](Script& s) {
    // 1. An IPv6 client of an IPv4 server, through the mapped address.
    int server4 = InetListener(s, "127.0.0.1");
    int mapped = TestSocket(s, AF_INET6, SOCK_STREAM);
    int off = 0;
    s.Sys("setsockopt(mapped, IPV6_V6ONLY, 0)",
          ::setsockopt(mapped, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("::ffff:127.0.0.1", LocalPort(server4), address);
    s.Sys("connect(mapped, [::ffff:127.0.0.1]:" + std::to_string(LocalPort(server4)) + ")",
          ::connect(mapped, reinterpret_cast<sockaddr*>(&address), length));
    ExpectPeerAddress(s, "mapped", mapped,
                      "[::ffff:127.0.0.1]:" + std::to_string(LocalPort(server4)),
                      "\"::ffff:127.0.0.1\" has 16 characters: inet_ntop needs a buffer of "
                      "INET6_ADDRSTRLEN (46) bytes for any AF_INET6 address");

    // 2. An AF_UNIX peer whose path has 107 characters, the longest that fits.
    std::string dir = harness::MakeTempDir();
    s.Sys("chdir(\"" + dir + "\")", ::chdir(dir.c_str()));
    const std::string path(sizeof(sockaddr_un::sun_path) - 1, 'p');
    UnixListener(s, path);
    sockaddr_un unix_address;
    socklen_t unix_length = UnixAddress(path, UnixName::kPath, unix_address);
    int client = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("connect(client, a path of 107 characters)",
          ::connect(client, reinterpret_cast<sockaddr*>(&unix_address), unix_length));
    ExpectPeerAddress(s, "client", client, "unix:" + path,
                      "the path is sun_path up to its NUL: 107 characters here");

    // 3. A descriptor that is not open.
    int closed = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Sys(sys::Close(As("closed", closed)));
    s.ExpectError(LABKIT_CALL(PeerAddress, As("closed", closed)), EBADF,
                  "return the errno getpeername() set");

    // 4. A peer of another family: getpeername() succeeds on a netlink socket.
    int netlink = s.Sys("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)",
                        ::socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
    SysResult<std::string> other = s.Call(LABKIT_CALL(PeerAddress, As("netlink", netlink)));
    s.ExpectTrue("PeerAddress(netlink) fails", !other.ok(), harness::Show(other),
                 "getpeername() gave an address of a family that is none of the three: return "
                 "an error (EAFNOSUPPORT), not a text");
  });
}

}  // namespace
}  // namespace labkit::lab05
