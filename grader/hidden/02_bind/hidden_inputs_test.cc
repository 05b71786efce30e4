// Lab 02 hidden tests on Internet addresses and ports: numeric IPv6 only,
// the highest port, and BoundPort's errors.
#include <unistd.h>

#include <random>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/02_bind/test_support.h"

namespace labkit::lab02 {
namespace {

TEST(Bind, RejectsWhatIsNotANumericIPv6Address) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_INET6, SOCK_STREAM);
    for (const char* ip : {"localhost", "127.0.0.1", "", "::g"}) {
      s.ExpectError("BindInet6(fd, \"" + std::string(ip) + "\", 0)", EINVAL,
                    [&] { return BindInet6(fd, ip, 0); },
                    "inet_pton(AF_INET6, ...) returns 1 only for a numeric IPv6 address; a name "
                    "is never looked up, and \"\" is not the any-address");
    }
    s.Expect("the port fd is bound to", uint16_t{0}, LocalPort(fd),
             "an address that does not parse must not be bound");
  });
}

TEST(Bind, IPv6ReportsAnAddressInUse) {
  RunCase({.points = 1}, [](Script& s) {
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("::1", 0, address);
    int first = TestSocket(s, AF_INET6, SOCK_STREAM);
    s.Sys("bind(first, [::1]:0)", ::bind(first, reinterpret_cast<sockaddr*>(&address), length));
    uint16_t port = LocalPort(first);
    int fd = TestSocket(s, AF_INET6, SOCK_STREAM);
    s.ExpectError("BindInet6(fd, \"::1\", " + std::to_string(port) + ")", EADDRINUSE,
                  [&] { return BindInet6(fd, "::1", port); }, "return the errno bind() set");
  });
}

TEST(Bind, HighestPortIsAPortLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    // A loopback address of its own, so that no other test's port 65535 is in the way.
    std::mt19937 random(static_cast<unsigned>(::getpid()) * 2654435761u);
    std::string ip = "127." + std::to_string(1 + random() % 254) + "." +
                     std::to_string(random() % 256) + "." + std::to_string(1 + random() % 254);
    int fd = TestSocket(s, AF_INET, SOCK_DGRAM);
    const int on = 1;
    s.Sys("setsockopt(fd, SO_REUSEPORT, 1)",
          ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on));
    s.ExpectOk("BindInet(fd, \"" + ip + "\", 65535)", [&] { return BindInet(fd, ip, 65535); },
               "65535 is the highest port, and a valid one");
    s.Expect("getsockname(fd)", Named{ip + ":65535"}, Named{LocalAddress(fd)});
    s.Expect("BoundPort(fd)", uint16_t{65535},
             s.ExpectOk("BoundPort(fd)", [&] { return BoundPort(fd); }));
  });
}

TEST(Bind, BoundPortReportsGetsocknameErrors) {
  RunCase({.points = 1}, [](Script& s) {
    int fds[2];
    s.Sys("pipe(fds)", ::pipe(fds));
    s.ExpectError("BoundPort(fds[0]), a pipe", ENOTSOCK, [&] { return BoundPort(fds[0]); },
                  "getsockname() failed: return its errno, not a port");
    s.Sys("close(fds[1])", ::close(fds[1]));
    s.ExpectError("BoundPort(fds[1]), a number just closed", EBADF,
                  [&] { return BoundPort(fds[1]); },
                  "getsockname() failed: return its errno, not a port");
  });
}

}  // namespace
}  // namespace labkit::lab02
