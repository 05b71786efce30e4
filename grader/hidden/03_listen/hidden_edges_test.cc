// Lab 03 hidden tests at the edges of the contract: backlogs the kernel
// caps, dual stack, the highest port, permissions and closed descriptors.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/03_listen/test_support.h"

namespace labkit::lab03 {
namespace {

// A number from a /proc/sys file, or `otherwise` if it cannot be read.
int SysctlNumber(Script& s, const std::string& file, int otherwise) {
  int value = otherwise;
  std::istringstream(harness::ReadFile("/proc/sys/" + file)) >> value;
  s.Note(file + " is " + std::to_string(value));
  return value;
}

TEST(Listen, BacklogBeyondTheCapIsTheKernelsToCap) {
  RunCase({.points = 2}, [](Script& s) {
    int somaxconn = SysctlNumber(s, "net/core/somaxconn", 4096);
    for (int backlog : {somaxconn, somaxconn + 1, -1}) {
      std::string call = "ListenInet(\"127.0.0.1\", 0, " + std::to_string(backlog) + ")";
      int server = s.ExpectOk(call, [&] { return ListenInet("127.0.0.1", 0, backlog); },
                              "any int is a legal backlog: listen() takes it");
      s.Expect("the backlog the kernel keeps for it (TCP_INFO)", somaxconn, TcpBacklog(server),
               "pass backlog to listen() unchanged: the kernel caps a large or negative one at "
               "somaxconn itself, so no cap or minimum of your own");
    }
  });
}

TEST(Listen, IPv6AnyAddressTakesIPv4ClientsByDefault) {
  RunCase({.points = 2}, [](Script& s) {
    int v6only = SysctlNumber(s, "net/ipv6/bindv6only", 0);
    int server = s.ExpectOk(LABKIT_CALL(ListenInet6, "::", 0, 4));
    uint16_t port = LocalPort(server);
    s.Expect("getsockopt(server, IPV6_V6ONLY)", v6only,
             harness::IntOption(server, IPPROTO_IPV6, IPV6_V6ONLY),
             "leave IPV6_V6ONLY as the system has it: do not set it either way");
    if (v6only != 0) return s.Note("this system makes IPv6 sockets IPv6-only; no IPv4 client");
    int client = ExpectConnect(s, "127.0.0.1", port,
                               "a listener on [::] with IPV6_V6ONLY off takes IPv4 clients too");
    int connection = AcceptOne(s, server, "server");
    s.Expect("the accepted connection's peer", Named{"[::ffff:127.0.0.1]:" +
                                                     std::to_string(LocalPort(client))},
             Named{PeerAddress(connection)});
  });
}

TEST(Listen, HighestPortIsAPortLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    // A loopback address of its own, so that no other test's port 65535 is in the way.
    std::mt19937 random(harness::CaseNumber() * 2654435761u);
    std::string ip = "127." + std::to_string(1 + random() % 254) + "." +
                     std::to_string(random() % 256) + "." + std::to_string(1 + random() % 254);
    int server = s.ExpectOk(LABKIT_CALL(ListenInet, ip, 65535, 4),
                            "65535 is the highest port, and a valid one");
    s.Expect("getsockname(server)", Named{ip + ":65535"}, Named{LocalAddress(server)});
    s.Expect("ListeningPort(server)", uint16_t{65535},
             s.ExpectOk(LABKIT_CALL(ListeningPort, As("server", server))));
    ExpectConnect(s, ip, 65535, "a client can connect once listen() has been called");
  });
}

TEST(Listen, ReportsPermissionDeniedAndLeaksNothing) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir() + "/locked";
    s.Sys("mkdir(\"" + dir + "\", 0555)", ::mkdir(dir.c_str(), 0555));
    harness::DropPrivileges();
    s.Note("the code under test runs as an unprivileged user");
    int before = CountOpenFds();
    s.ExpectError(
        LABKIT_CALL(ListenUnix, As("\"" + dir + "/server.sock\"", dir + "/server.sock"), 4), EACCES,
        "bind() may not create a file in a directory you cannot write to: return its "
        "errno");
    int start = 1024;
    std::istringstream(harness::ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start")) >>
        start;
    if (start > 1) {
      uint16_t port = static_cast<uint16_t>(start - 1);
      s.ExpectError(LABKIT_CALL(ListenInet, "127.0.0.1", port, 4), EACCES,
                    "ports below " + std::to_string(start) + " need privileges");
    }
    s.Expect("descriptors open after the failed calls", before, CountOpenFds(),
             "each failure after socket() must close() the socket it created");
  });
}

TEST(Listen, ListeningPortOfANumberNotOpenIsEbadf) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = s.Sys("open(\"/dev/null\")", ::open("/dev/null", O_RDONLY));
    s.Sys(sys::Close(As("fd", fd)).Because("the number is free again"));
    s.ExpectError(LABKIT_CALL(ListeningPort, As("fd", fd)), EBADF,
                  "getsockname() failed: return its errno, not a port");
  });
}


TEST(Listen, SecondServerOnTheSamePortIsRefused) {
  RunCase({.points = 1}, [](Script& s) {
    int first = s.ExpectOk(LABKIT_CALL(ListenInet, "127.0.0.1", 0, 4));
    uint16_t port = LocalPort(first);
    int first6 = s.ExpectOk(LABKIT_CALL(ListenInet6, "::1", 0, 4));
    uint16_t port6 = LocalPort(first6);
    int before = CountOpenFds();
    s.Note("descriptors open: " + std::to_string(before));
    const char* hint = "SO_REUSEADDR never lets two servers listen on one port; SO_REUSEPORT does "
                       "(SO_REUSEADDR | SO_REUSEPORT is one option number: SO_REUSEPORT)";
    s.ExpectError("ListenInet(\"127.0.0.1\", " + std::to_string(port) + ", 4) again", EADDRINUSE,
                  [&] { return ListenInet("127.0.0.1", port, 4); }, hint);
    s.ExpectError("ListenInet6(\"::1\", " + std::to_string(port6) + ", 4) again", EADDRINUSE,
                  [&] { return ListenInet6("::1", port6, 4); }, hint);
    s.Expect("descriptors open after the failed calls", before, CountOpenFds(),
             "when bind() fails, read errno, then close() the socket you created");
  });
}


TEST(Listen, DescriptorZeroIsADescriptorLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    const char* hint = "socket() returned 0, a valid descriptor: only -1 means it failed";
    std::string path = harness::MakeTempDir() + "/server.sock";
    s.Sys(sys::Close(As("0", 0)).Because("stdin is closed, so 0 is the lowest free descriptor"));
    int v4 = s.ExpectOk(LABKIT_CALL(ListenInet, "127.0.0.1", 0, 4), hint);
    s.Expect("the descriptor returned", 0, v4, "return exactly the descriptor socket() gave");
    ExpectListening(s, 0, "descriptor 0");
    s.Expect("ListeningPort(0)", LocalPort(0), s.ExpectOk(LABKIT_CALL(ListeningPort, 0), hint));
    s.Sys(sys::Close(As("0", 0)));
    s.Expect("ListenInet6(\"::1\", 0, 4)", 0,
             s.ExpectOk(LABKIT_CALL(ListenInet6, "::1", 0, 4), hint));
    s.Sys(sys::Close(As("0", 0)));
    s.Expect("ListenUnix(\"" + path + "\", 4)", 0,
             s.ExpectOk(LABKIT_CALL(ListenUnix, path, 4), hint));
    ExpectListening(s, 0, "descriptor 0");
  });
}

}  // namespace
}  // namespace labkit::lab03
