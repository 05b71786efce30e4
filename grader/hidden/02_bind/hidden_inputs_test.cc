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
      s.ExpectError(LABKIT_CALL(BindInet6, As("fd", fd), ip, 0), EINVAL,
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
    s.ExpectError(LABKIT_CALL(BindInet6, As("fd", fd), "::1", port), EADDRINUSE,
                  "return the errno bind() set");
  });
}

TEST(Bind, HighestPortIsAPortLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    // A loopback address of its own, so that no other test's port 65535 is in the way.
    std::mt19937 random(harness::CaseNumber() * 2654435761u);
    std::string ip = "127." + std::to_string(1 + random() % 254) + "." +
                     std::to_string(random() % 256) + "." + std::to_string(1 + random() % 254);
    int fd = TestSocket(s, AF_INET, SOCK_DGRAM);
    const int on = 1;
    s.Sys("setsockopt(fd, SO_REUSEPORT, 1)",
          ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on));
    s.ExpectOk(LABKIT_CALL(BindInet, As("fd", fd), ip, 65535),
               "65535 is the highest port, and a valid one");
    s.Expect("getsockname(fd)", Named{ip + ":65535"}, Named{LocalAddress(fd)});
    s.Expect("BoundPort(fd)", uint16_t{65535}, s.ExpectOk(LABKIT_CALL(BoundPort, As("fd", fd))));
  });
}

TEST(Bind, BoundPortReportsGetsocknameErrors) {
  RunCase({.points = 1}, [](Script& s) {
    int fds[2];
    s.Sys("pipe(fds)", ::pipe(fds));
    s.ExpectError(LABKIT_CALL(BoundPort, As("fds[0]", fds[0])).Remark("a pipe"), ENOTSOCK,
                  "getsockname() failed: return its errno, not a port");
    s.Sys(sys::Close(As("fds[1]", fds[1])));
    s.ExpectError(LABKIT_CALL(BoundPort, As("fds[1]", fds[1])).Remark("a number just closed"),
                  EBADF, "getsockname() failed: return its errno, not a port");
  });
}


// Closes descriptor 0 and makes a socket of the test's own there.
void SocketAtZero(Script& s, int family, int type) {
  s.Sys(sys::Close(As("0", 0)));
  int fd = TestSocket(s, family, type);
  if (fd != 0) s.Fail("the test's socket at descriptor 0", "0", std::to_string(fd));
}

TEST(Bind, DescriptorZeroIsADescriptorLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    const char* hint = "0 is a valid descriptor (here a socket): only -1 is no descriptor";
    s.Note("descriptor 0 is closed, so each socket below is descriptor 0");
    SocketAtZero(s, AF_INET, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindInet, 0, "127.0.0.1", 0), hint);
    s.Expect("BoundPort(0)", LocalPort(0), s.ExpectOk(LABKIT_CALL(BoundPort, 0)), hint);
    SocketAtZero(s, AF_INET6, SOCK_DGRAM);
    s.ExpectOk(LABKIT_CALL(BindInet6, 0, "::1", 0), hint);
    std::string path = harness::MakeTempDir() + "/server.sock";
    SocketAtZero(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixPath, 0, path), hint);
    SocketAtZero(s, AF_UNIX, SOCK_DGRAM);
    std::string name = "labkit-zero-" + std::to_string(harness::CaseNumber());
    s.ExpectOk(LABKIT_CALL(BindUnixAbstract, 0, name), hint);
    s.Expect("getsockname(0)", Named{"unix:@" + name + " (abstract, length " +
                                     std::to_string(offsetof(sockaddr_un, sun_path) + 1 +
                                                    name.size()) + ")"},
             Named{LocalAddress(0)});
  });
}


TEST(Bind, TakesEveryDottedQuadAndNothingAfterIt) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_INET, SOCK_DGRAM);
    s.ExpectError(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1 x", 0), EINVAL,
                  "inet_aton() and inet_addr() stop at a space and take the rest for a comment; "
                  "inet_pton() wants the whole string to be the address");
    s.Expect("the port fd is bound to", uint16_t{0}, LocalPort(fd),
             "an address that does not parse must not be bound");
    s.ExpectOk(LABKIT_CALL(BindInet, As("fd", fd), "255.255.255.255", 0),
               "255.255.255.255 is a dotted quad too (and Linux binds it), although inet_addr() "
               "returns it as INADDR_NONE, its error value: parse with inet_pton()");
    s.Expect("getsockname(fd)", Named{"255.255.255.255:" + std::to_string(LocalPort(fd))},
             Named{LocalAddress(fd)});
  });
}

}  // namespace
}  // namespace labkit::lab02
