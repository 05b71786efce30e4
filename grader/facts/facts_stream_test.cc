// Facts of handout 06 (send/recv on streams): partial transfers, signals,
// end of stream and resets, SIGPIPE, flags, sendto/recvfrom on a connection.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

// Bytes queued for reading on `fd` (FIONREAD).
int Queued(int fd) {
  int bytes = -1;
  return ::ioctl(fd, FIONREAD, &bytes) == 0 ? bytes : -1;
}

std::string RecvText(int fd, size_t max = 64, int flags = 0) {
  std::string buffer(max, '\0');
  if (!(WaitFor(fd, POLLIN) & POLLIN)) return "(nothing within the bound)";
  long n = ::recv(fd, buffer.data(), max, flags);
  return n < 0 ? "error " + ErrnoName(errno) : buffer.substr(0, n);
}

void Unbounded(int fd) { Bound(fd, 0); }  // a 0 timeout means "wait for ever"

TEST(FactsStream, NoBoundariesOnAStream) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::send(client.get(), "abc", 3, 0), 3);
  ASSERT_EQ(::send(client.get(), "defg", 4, 0), 4);
  ASSERT_TRUE(WaitUntil([&] { return Queued(server.get()) == 7; }));
  EXPECT_EQ(RecvText(server.get(), 16), "abcdefg") << "two sends, one recv";
}

TEST(FactsStream, OneRecvReturnsOnlyPartOfALargeTransfer) {
  auto [client, server] = TcpPair();
  // Fill the connection without a reader: the sender's and receiver's
  // buffers hold what they can, the rest is refused for now.
  std::string data(16 << 20, 'x');
  long sent = ::send(client.get(), data.data(), data.size(), MSG_DONTWAIT);
  ASSERT_GT(sent, 0) << ErrnoName(errno);
  std::string buffer(sent, '\0');
  ASSERT_TRUE(WaitFor(server.get(), POLLIN) & POLLIN);
  long got = ::recv(server.get(), buffer.data(), buffer.size(), 0);
  EXPECT_GT(got, 0);
  EXPECT_LT(got, sent) << "one recv took everything that was sent";
  SeenHere("one recv returned " + std::to_string(got) + " of " + std::to_string(sent) +
           " bytes sent; net.ipv4.tcp_rmem is " + Sysctl("net/ipv4/tcp_rmem"));
}

TEST(FactsStream, NonblockingSendAcceptsOnlyPart) {
  auto [client, server] = TcpPair();
  std::string data(16 << 20, 'x');
  long sent = ::send(client.get(), data.data(), data.size(), MSG_DONTWAIT);
  EXPECT_GT(sent, 0) << ErrnoName(errno);
  EXPECT_LT(sent, static_cast<long>(data.size()));
  SeenHere("a non-blocking send of 16 MiB took " + std::to_string(sent) + " bytes");
}

TEST(FactsStream, SignalCutsABlockedSendShort) {
  auto [client, server] = TcpPair();
  Unbounded(client.get());
  std::string data(16 << 20, 'x');  // far more than the buffers hold
  Interrupted call = InterruptBlockedCall(
      [&] { return ::send(client.get(), data.data(), data.size(), MSG_NOSIGNAL); }, {SYS_sendto},
      /*sa_restart=*/false, [&] { server.reset(); });
  ASSERT_TRUE(call.blocked) << call.problem;
  EXPECT_GT(call.result, 0) << "a send that moved bytes returns their count, not EINTR: "
                            << ErrnoName(call.error);
  EXPECT_LT(call.result, static_cast<long>(data.size()));
}

TEST(FactsStream, SignalWithoutSaRestartInterruptsRecv) {
  auto [client, server] = TcpPair();
  Unbounded(server.get());
  char byte;
  Interrupted call = InterruptBlockedCall([&] { return ::recv(server.get(), &byte, 1, 0); },
                                          {SYS_recvfrom}, /*sa_restart=*/false,
                                          [&] { ::send(client.get(), "x", 1, 0); });
  ASSERT_TRUE(call.blocked) << call.problem;
  EXPECT_EQ(call.error, EINTR) << ErrnoName(call.error);
}

TEST(FactsStream, SaRestartResumesABlockedRecv) {
  auto [client, server] = TcpPair();
  Unbounded(server.get());
  char byte = 0;
  Interrupted call = InterruptBlockedCall([&] { return ::recv(server.get(), &byte, 1, 0); },
                                          {SYS_recvfrom}, /*sa_restart=*/true,
                                          [&] { ::send(client.get(), "x", 1, 0); });
  ASSERT_TRUE(call.blocked) << call.problem;
  EXPECT_TRUE(call.restarted) << "returned " << call.result << ", " << ErrnoName(call.error);
  EXPECT_EQ(call.result, 1);
  EXPECT_EQ(byte, 'x');
}

TEST(FactsStream, ReceiveTimeoutMakesRecvEintrEvenWithSaRestart) {
  auto [client, server] = TcpPair();
  Bound(server.get(), 10000);  // SO_RCVTIMEO set: see man 7 signal
  char byte;
  Interrupted call = InterruptBlockedCall([&] { return ::recv(server.get(), &byte, 1, 0); },
                                          {SYS_recvfrom}, /*sa_restart=*/true,
                                          [&] { ::send(client.get(), "x", 1, 0); });
  ASSERT_TRUE(call.blocked) << call.problem;
  EXPECT_FALSE(call.restarted);
  EXPECT_EQ(call.error, EINTR) << ErrnoName(call.error);
}

TEST(FactsStream, EndOfStreamIsZeroOnEveryCall) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::send(client.get(), "last", 4, 0), 4);
  ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
  EXPECT_EQ(RecvText(server.get()), "last") << "the queued bytes first";
  EXPECT_EQ(RecvText(server.get()), "");
  EXPECT_EQ(RecvText(server.get()), "") << "and 0 again on the next call";
}

TEST(FactsStream, HalfCloseStillLetsYouSend) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::shutdown(client.get(), SHUT_WR), 0);
  EXPECT_EQ(RecvText(server.get()), "");
  EXPECT_EQ(::send(server.get(), "reply", 5, MSG_NOSIGNAL), 5);
  EXPECT_EQ(RecvText(client.get()), "reply");
}

TEST(FactsStream, CloseWithUnreadDataResets) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::send(client.get(), "unread", 6, 0), 6);
  ASSERT_EQ(::send(server.get(), "sent first", 10, 0), 10);
  ASSERT_TRUE(WaitUntil([&] { return Queued(server.get()) == 6; }));
  server.reset();  // with "unread" still queued: RST, not FIN
  ASSERT_TRUE(WaitFor(client.get(), POLLERR) & POLLERR);
  EXPECT_EQ(RecvText(client.get()), "sent first") << "what came before the RST";
  EXPECT_EQ(RecvText(client.get()), "error ECONNRESET");
}

TEST(FactsStream, LingerZeroCloseResets) {
  auto [client, server] = TcpPair();
  linger reset{1, 0};
  ASSERT_EQ(::setsockopt(server.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  server.reset();
  EXPECT_EQ(RecvText(client.get()), "error ECONNRESET");
}

TEST(FactsStream, SendAfterThePeerClosedEndsInEpipe) {
  auto [client, server] = TcpPair();
  server.reset();
  ASSERT_EQ(RecvText(client.get()), "") << "the FIN";
  EXPECT_EQ(::send(client.get(), "a", 1, MSG_NOSIGNAL), 1) << "the first send still succeeds";
  ASSERT_TRUE(WaitFor(client.get(), POLLERR) & POLLERR) << "the peer's RST";
  std::vector<std::string> errors;
  for (int i = 0; i < 3 && (errors.empty() || errors.back() != "EPIPE"); ++i) {
    errors.push_back(ErrnoName(ErrnoOf(::send(client.get(), "b", 1, MSG_NOSIGNAL))));
  }
  EXPECT_EQ(errors.back(), "EPIPE");
  SeenHere("sends after the RST: " + testing::PrintToString(errors));
}

TEST(FactsStream, SendAfterThePeerClosedRaisesSigpipe) {
  auto [client, server] = TcpPair();
  server.reset();
  ASSERT_EQ(RecvText(client.get()), "");
  pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    for (int i = 0; i < 3; ++i) {
      ::send(client.get(), "a", 1, 0);
      WaitFor(client.get(), POLLERR);
    }
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_TRUE(WaitUntil([&] { return ::waitpid(child, &status, WNOHANG) == child; }));
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) << "status " << status;
}

TEST(FactsStream, UnixSendAfterThePeerClosedIsEpipeAtOnce) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Fd mine(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(ErrnoOf(::send(mine.get(), "a", 1, MSG_NOSIGNAL)), EPIPE);
}

TEST(FactsStream, PeekLeavesTheBytesQueued) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::send(client.get(), "hello", 5, 0), 5);
  ASSERT_TRUE(WaitUntil([&] { return Queued(server.get()) == 5; }));
  EXPECT_EQ(RecvText(server.get(), 64, MSG_PEEK), "hello");
  EXPECT_EQ(RecvText(server.get(), 64, MSG_PEEK), "hello");
  EXPECT_EQ(RecvText(server.get()), "hello");
  client.reset();
  EXPECT_EQ(RecvText(server.get(), 64, MSG_PEEK), "") << "a peek at the end of the stream";
}

TEST(FactsStream, DontrouteDeliversOnLoopback) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::send(client.get(), "direct", 6, MSG_DONTROUTE), 6);
  EXPECT_EQ(RecvText(server.get()), "direct");
}

TEST(FactsStream, SendtoOnConnectedTcpIgnoresTheAddress) {
  auto [client, server] = TcpPair();
  sockaddr_in elsewhere = Inet4("127.0.0.2", ClosedPort(SOCK_STREAM));
  ASSERT_EQ(::sendto(client.get(), "hi", 2, 0, Sa(&elsewhere), sizeof elsewhere), 2);
  EXPECT_EQ(RecvText(server.get()), "hi");
}

TEST(FactsStream, SendtoWithAnAddressOnUnixStreamIsEisconn) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Fd a(fds[0]), b(fds[1]);
  sockaddr_un somewhere = UnixPath("/tmp/anywhere.sock");
  EXPECT_EQ(ErrnoOf(::sendto(a.get(), "hi", 2, 0, Sa(&somewhere), sizeof somewhere)), EISCONN);
}

TEST(FactsStream, RecvfromOnTcpReportsLengthZero) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(::send(client.get(), "hi", 2, 0), 2);
  ASSERT_TRUE(WaitFor(server.get(), POLLIN) & POLLIN);
  sockaddr_storage from{};
  socklen_t length = sizeof from;
  char buffer[8];
  EXPECT_EQ(::recvfrom(server.get(), buffer, sizeof buffer, 0, Sa(&from), &length), 2);
  EXPECT_EQ(length, 0u);
}

TEST(FactsStream, RecvOfZeroBytesWaitsForData) {
  auto [client, server] = TcpPair();
  Bound(server.get(), 100);  // so the wait ends (and then returns 0, not EAGAIN)
  char buffer[1];
  const auto start = std::chrono::steady_clock::now();
  ::recv(server.get(), buffer, 0, 0);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  EXPECT_GE(waited.count(), 90)
      << "a recv() of 0 bytes on an idle TCP connection waits, like any recv()";
  ASSERT_EQ(::send(client.get(), "x", 1, 0), 1);
  ASSERT_TRUE(WaitUntil([&] { return Queued(server.get()) == 1; }));
  EXPECT_EQ(::recv(server.get(), buffer, 0, 0), 0) << "once data is there, it returns 0";
  EXPECT_EQ(Queued(server.get()), 1) << "and takes nothing";
}

TEST(FactsStream, FirstSendAfterAResetIsEconnreset) {
  auto [client, server] = TcpPair();
  linger reset{1, 0};
  ASSERT_EQ(::setsockopt(server.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  server.reset();
  ASSERT_TRUE(WaitFor(client.get(), POLLERR) & POLLERR) << "the RST";
  EXPECT_EQ(ErrnoName(ErrnoOf(::send(client.get(), "a", 1, MSG_NOSIGNAL))), "ECONNRESET");
  EXPECT_EQ(ErrnoName(ErrnoOf(::send(client.get(), "a", 1, MSG_NOSIGNAL))), "EPIPE")
      << "the reset is reported once; then the connection is simply gone";
}

}  // namespace
}  // namespace labkit::facts
