// The test's own socket helpers, each checked against what the kernel says.
#include "grader/harness/test_sockets.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"

namespace labkit::harness {
namespace {

int TimeoutMs(int fd, int option) {
  timeval bound{};
  socklen_t length = sizeof bound;
  ::getsockopt(fd, SOL_SOCKET, option, &bound, &length);
  return static_cast<int>(bound.tv_sec * 1000 + bound.tv_usec / 1000);
}

TEST(TestSocket, RecordsTheCallAsAStep) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Expect("SO_RCVTIMEO", 0, TimeoutMs(fd, SO_RCVTIMEO));
    int named = TestSocket(s, AF_UNIX, SOCK_DGRAM, {.name = "sender"});
    s.Expect("type", SOCK_DGRAM, IntOption(named, SOL_SOCKET, SO_TYPE));
  });
  ASSERT_TRUE(outcome.passed()) << outcome.Report();
  ASSERT_EQ(outcome.steps.size(), 4u);
  EXPECT_EQ(outcome.steps[0].rfind("1. socket(AF_INET, SOCK_STREAM, 0) -> ", 0), 0u)
      << outcome.steps[0];
  EXPECT_EQ(outcome.steps[2].rfind("3. sender = socket(AF_UNIX, SOCK_DGRAM, 0) -> ", 0), 0u)
      << outcome.steps[2];
}

TEST(TestSocket, TimeoutBoundsBothDirections) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int fd = TestSocket(s, AF_INET6, SOCK_STREAM, {.timeout_ms = 1500});
    s.Expect("SO_RCVTIMEO in ms", 1500, TimeoutMs(fd, SO_RCVTIMEO));
    s.Expect("SO_SNDTIMEO in ms", 1500, TimeoutMs(fd, SO_SNDTIMEO));
  });
  EXPECT_TRUE(outcome.passed()) << outcome.Report();
}

TEST(BoundWaits, ReceivesOnlyLeavesSendsUnbounded) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  BoundWaits(fds[0], 500, Waits::kReceives);
  BoundWaits(fds[1], 1000);
  EXPECT_EQ(TimeoutMs(fds[0], SO_RCVTIMEO), 500);
  EXPECT_EQ(TimeoutMs(fds[0], SO_SNDTIMEO), 0);
  EXPECT_EQ(TimeoutMs(fds[1], SO_RCVTIMEO), 1000);
  EXPECT_EQ(TimeoutMs(fds[1], SO_SNDTIMEO), 1000);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(UnixAddress, PathCountsItsNul) {
  sockaddr_un address;
  socklen_t length = UnixAddress("/tmp/a.sock", UnixName::kPath, address);
  EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + 12);
  EXPECT_EQ(FormatSockaddr(reinterpret_cast<sockaddr*>(&address), length), "unix:/tmp/a.sock");
}

TEST(UnixAddress, AbstractNameStartsWithNul) {
  sockaddr_un address;
  socklen_t length = UnixAddress("srv", UnixName::kAbstract, address);
  EXPECT_EQ(length, offsetof(sockaddr_un, sun_path) + 4);
  EXPECT_EQ(address.sun_path[0], '\0');
  EXPECT_EQ(std::string(address.sun_path + 1, 3), "srv");
}

TEST(UnixAddress, LongestNamesFitAndLongerOnesThrow) {
  sockaddr_un address;
  EXPECT_EQ(UnixAddress(std::string(107, 'n'), UnixName::kAbstract, address),
            sizeof(sockaddr_un));
  EXPECT_EQ(UnixAddress(std::string(107, 'p'), UnixName::kPath, address), sizeof(sockaddr_un));
  EXPECT_THROW(UnixAddress(std::string(108, 'p'), UnixName::kPath, address), std::length_error);
}

TEST(BoundAddress, IsWhatTheSocketIsBoundTo) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_storage wanted;
  socklen_t length = MakeInetAddress("127.0.0.1", 0, wanted);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&wanted), length), 0);
  sockaddr_storage bound;
  socklen_t bound_length = BoundAddress(fd, bound);
  EXPECT_EQ(FormatSockaddr(reinterpret_cast<sockaddr*>(&bound), bound_length), LocalAddress(fd));
  ::close(fd);
}

TEST(SendFrom, SendsEveryByteAsAStep) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int fds[2];
    s.Sys("socketpair(AF_UNIX, SOCK_STREAM, 0, fds)", ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    SendFrom(s, fds[0], "client", "ping\n");
    char buffer[16];
    ssize_t n = ::recv(fds[1], buffer, sizeof buffer, MSG_DONTWAIT);
    s.Expect("received", std::string("ping\n"), std::string(buffer, n > 0 ? n : 0));
  });
  ASSERT_TRUE(outcome.passed()) << outcome.Report();
  EXPECT_EQ(outcome.steps[1], "2. send(client, \"ping\\n\" (5 bytes)) -> 5");
}

TEST(SendFrom, FailsTheCaseWhenThePeerIsGone) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int fds[2];
    s.Sys("socketpair(AF_UNIX, SOCK_STREAM, 0, fds)", ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    s.Sys("close(fds[1])", ::close(fds[1]));
    SendFrom(s, fds[0], "client", "x");
  });
  ASSERT_TRUE(outcome.failed.has_value()) << outcome.Report();
  EXPECT_EQ(outcome.failed->what, "send(client, \"x\" (1 byte))");
  EXPECT_EQ(outcome.failed->actual, "error " + ErrnoName(EPIPE));
}

TEST(OpenFds, CountsAndRecords) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int before = OpenFds(s, "before");
    int fd = TestSocket(s, AF_INET, SOCK_DGRAM);
    s.Expect("one more", before + 1, OpenFds(s, "after"));
    ::close(fd);
  });
  ASSERT_TRUE(outcome.passed()) << outcome.Report();
  EXPECT_EQ(outcome.steps[0].rfind("1. descriptors open before: ", 0), 0u) << outcome.steps[0];
}

TEST(NoDescriptorFree, TheNextSocketSaysEmfileUntilTheLimitIsBack) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    const rlimit saved = NoDescriptorFree(s);
    const int refused = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int error = errno;
    s.Expect("socket() with no descriptor free", -1, refused);
    s.Expect("its errno", EMFILE, error);
    PutBackDescriptorLimit(s, saved);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    s.Expect("socket() once the limit is back succeeds", true, fd >= 0);
    ::close(fd);
  });
  ASSERT_TRUE(outcome.passed()) << outcome.Report();
  std::string steps;
  for (const std::string& step : outcome.steps) steps += step + "\n";
  EXPECT_NE(steps.find("): no descriptor is free"), std::string::npos) << steps;
  EXPECT_NE(steps.find("setrlimit(RLIMIT_NOFILE) back as it was"), std::string::npos) << steps;
}

TEST(SwappedPortHint, NamesTheSwappedPort) {
  EXPECT_EQ(SwappedPortHint(41027),
            "if the port you see is 17312, that is 41027 with its two bytes swapped: convert "
            "it with htons()");
}

TEST(Sys, TheTestsOwnCallsShowTheirArgumentsAndRun) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int server = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Sys(sys::Bind(As("server", server), SocketAddress::Inet("127.0.0.1", 0)));
    s.Sys(sys::Listen(As("server", server), 4));
    int client = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Sys(sys::Connect(As("client", client), SocketAddress::BoundTo(server)));
    int conn = s.Sys(sys::Accept(As("server", server)));
    s.Sys(sys::Shutdown(As("client", client), SHUT_WR));
    s.Sys(sys::Close(As("conn", conn)).Because("the server is done"));
  });
  ASSERT_TRUE(outcome.passed()) << outcome.Report();
  ASSERT_EQ(outcome.steps.size(), 8u) << outcome.Report();
  EXPECT_EQ(outcome.steps[1], "2. bind(server, 127.0.0.1:0) -> 0");
  EXPECT_EQ(outcome.steps[2], "3. listen(server, 4) -> 0");
  EXPECT_EQ(outcome.steps[4].rfind("5. connect(client, 127.0.0.1:", 0), 0u) << outcome.steps[4];
  EXPECT_EQ(outcome.steps[5].rfind("6. accept(server) -> ", 0), 0u) << outcome.steps[5];
  EXPECT_EQ(outcome.steps[6], "7. shutdown(client, SHUT_WR) -> 0");
  EXPECT_EQ(outcome.steps[7], "8. close(conn): the server is done -> 0");
}

TEST(Sys, UnixAddressesShowTheirPathOrName) {
  EXPECT_EQ(SocketAddress::Unix("/tmp/s.sock").Text(), "unix:/tmp/s.sock");
  EXPECT_EQ(SocketAddress::Unix("srv", UnixName::kAbstract).Text().rfind("unix:@srv", 0), 0u);
}

TEST(Sys, AFailedCallFailsTheCaseWithItsErrno) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    s.Sys(sys::Connect(As("fd", fd), SocketAddress::Inet("127.0.0.1", UnusedPort("127.0.0.1"))));
  });
  ASSERT_TRUE(outcome.failed.has_value()) << outcome.Report();
  EXPECT_EQ(outcome.failed->what.rfind("connect(fd, 127.0.0.1:", 0), 0u) << outcome.failed->what;
  EXPECT_EQ(outcome.failed->actual, "error " + ErrnoName(ECONNREFUSED));
}

}  // namespace
}  // namespace labkit::harness
