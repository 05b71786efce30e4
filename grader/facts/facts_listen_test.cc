// Facts of handout 03 (listen): the queue and its backlog, TIME_WAIT and
// SO_REUSEADDR, and what a client sees while the TCP queue is full.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

constexpr int kTimeWait = 6;  // TCP_TIME_WAIT in /proc/net/tcp

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

tcp_info TcpInfo(int fd) {
  tcp_info info{};
  socklen_t length = sizeof info;
  ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length);
  return info;
}

// The TIME_WAIT entry on `port`, waited for with a bound; state 0 if none.
TcpEntry TimeWaitOn(uint16_t port) {
  TcpEntry found;
  WaitUntil([&] {
    for (const TcpEntry& e : TcpTable()) {
      if (e.local_port == port && e.state == kTimeWait) found = e;
    }
    return found.state == kTimeWait;
  });
  return found;
}

Fd ReusableListener(bool reuse) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  int on = 1;
  if (reuse) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address = Inet4("127.0.0.1", 0);
  if (::bind(fd.get(), Sa(&address), sizeof address) != 0 || ::listen(fd.get(), 4) != 0) fd.reset();
  return fd;
}

// A server that served one client and closed first, then stopped: its port
// now holds a TIME_WAIT entry. Returns the port, 0 if that failed.
uint16_t StoppedServerPort(bool reuse, TcpEntry* entry = nullptr) {
  Fd listener = ReusableListener(reuse);
  const uint16_t port = PortOf(listener.get());
  Fd client = ConnectTo(listener.get());
  Fd served = AcceptFrom(listener.get());
  if (!client.valid() || !served.valid()) return 0;
  served.reset();  // the server closes first...
  char byte;
  if (!(WaitFor(client.get(), POLLIN) & POLLIN) || ::recv(client.get(), &byte, 1, 0) != 0) return 0;
  client.reset();  // ...and the client answers its FIN with its own
  TcpEntry found = TimeWaitOn(port);
  if (entry) *entry = found;
  return found.state == kTimeWait ? port : 0;
}

int RestartOn(uint16_t port, bool reuse) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  int on = 1;
  if (reuse) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address = Inet4("127.0.0.1", port);
  return ErrnoOf(::bind(fd.get(), Sa(&address), sizeof address));
}

TEST(FactsListen, AcceptconnReadsOneAfterListen) {
  Fd fd = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  int value = -1;
  socklen_t length = sizeof value;
  ASSERT_EQ(::getsockopt(fd.get(), SOL_SOCKET, SO_ACCEPTCONN, &value, &length), 0);
  EXPECT_EQ(value, 0);
  ASSERT_EQ(::listen(fd.get(), 4), 0);
  ASSERT_EQ(::getsockopt(fd.get(), SOL_SOCKET, SO_ACCEPTCONN, &value, &length), 0);
  EXPECT_EQ(value, 1);
}

TEST(FactsListen, BoundButNotListeningIsRefused) {
  Fd bound = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  sockaddr_in address = Inet4("127.0.0.1", PortOf(bound.get()));
  Fd client(::socket(AF_INET, SOCK_STREAM, 0));
  Bound(client.get());
  EXPECT_EQ(ErrnoOf(::connect(client.get(), Sa(&address), sizeof address)), ECONNREFUSED);

  sockaddr_un path = UnixPath(TempDir() + "/bound.sock");
  Fd local(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_EQ(::bind(local.get(), Sa(&path), sizeof path), 0);
  Fd local_client(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::connect(local_client.get(), Sa(&path), sizeof path)), ECONNREFUSED);
}

TEST(FactsListen, UnixBacklogNHoldsNPlusOne) {
  for (int backlog : {0, 2}) {
    sockaddr_un path = UnixPath(TempDir() + "/queue.sock");
    Fd server(::socket(AF_UNIX, SOCK_STREAM, 0));
    ASSERT_EQ(::bind(server.get(), Sa(&path), sizeof path), 0);
    ASSERT_EQ(::listen(server.get(), backlog), 0);
    std::vector<Fd> clients;
    int error = 0;
    while (error == 0 && clients.size() < 10) {
      Fd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
      error = ErrnoOf(::connect(client.get(), Sa(&path), sizeof path));
      if (error == 0) clients.push_back(std::move(client));
    }
    EXPECT_EQ(clients.size(), static_cast<size_t>(backlog + 1)) << "backlog " << backlog;
    EXPECT_EQ(error, EAGAIN) << ErrnoName(error);
  }
}

TEST(FactsListen, BacklogIsCappedAtSomaxconn) {
  std::vector<long> somaxconn = SysctlNumbers("net/core/somaxconn");
  ASSERT_EQ(somaxconn.size(), 1u) << "cannot read net.core.somaxconn";
  if (somaxconn[0] != 4096) {
    DiffersHere("net.core.somaxconn is " + std::to_string(somaxconn[0]) + ", not 4096");
  } else {
    SeenHere("net.core.somaxconn is 4096");
  }
  for (int asked : {0, 5, 1 << 20, -1}) {
    Fd fd = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
    ASSERT_EQ(::listen(fd.get(), asked), 0) << "listen(fd, " << asked << ")";
    long kept = (asked < 0 || asked > somaxconn[0]) ? somaxconn[0] : asked;
    EXPECT_EQ(TcpInfo(fd.get()).tcpi_sacked, kept) << "listen(fd, " << asked << ")";
  }
}

TEST(FactsListen, DatagramSocketIsEopnotsupp) {
  Fd fd = BoundSocket(AF_INET, SOCK_DGRAM, "127.0.0.1");
  EXPECT_EQ(ErrnoOf(::listen(fd.get(), 4)), EOPNOTSUPP);
}

TEST(FactsListen, UnboundTcpGetsAPortUnboundUnixIsEinval) {
  Fd tcp(::socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_EQ(PortOf(tcp.get()), 0);
  ASSERT_EQ(ErrnoOf(::listen(tcp.get(), 4)), 0);
  EXPECT_NE(PortOf(tcp.get()), 0) << "listen() did not pick a port";
  Fd local(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::listen(local.get(), 4)), EINVAL);
}

TEST(FactsListen, ClosingFirstLeavesTimeWaitOfAboutAMinute) {
  TcpEntry entry;
  const uint16_t port = StoppedServerPort(false, &entry);
  ASSERT_NE(port, 0) << "no TIME_WAIT entry appeared on the server's port";
  const double seconds = static_cast<double>(entry.ticks_left) / ::sysconf(_SC_CLK_TCK);
  EXPECT_GT(seconds, 0);
  SeenHere("the server's port stays in TIME_WAIT for " + Seconds(seconds) + " more");
  if (seconds < 50 || seconds > 60) {
    DiffersHere("TIME_WAIT lasts " + Seconds(seconds) + " here, not about 60 s");
  }
}

TEST(FactsListen, TimeWaitBlocksARestartWithoutReuseaddr) {
  const uint16_t port = StoppedServerPort(false);
  ASSERT_NE(port, 0);
  EXPECT_EQ(RestartOn(port, false), EADDRINUSE);
}

TEST(FactsListen, ReuseaddrOnBothSocketsRestartsOverTimeWait) {
  const uint16_t port = StoppedServerPort(true);
  ASSERT_NE(port, 0);
  EXPECT_EQ(RestartOn(port, true), 0);
}

TEST(FactsListen, ReuseaddrOnlyOnTheNewSocketIsNotEnough) {
  const uint16_t port = StoppedServerPort(false);
  ASSERT_NE(port, 0);
  EXPECT_EQ(RestartOn(port, true), EADDRINUSE);
}

TEST(FactsListen, ReuseaddrDoesNotShareAListeningPort) {
  Fd first = ReusableListener(true);
  ASSERT_TRUE(first.valid());
  EXPECT_EQ(RestartOn(PortOf(first.get()), true), EADDRINUSE);
}

// A client whose SYN the full queue of `listener` (backlog 0, one waiting
// connection) ignores: it stays in SYN-SENT.
struct FullQueue {
  Fd listener = TcpListener("127.0.0.1", 0);
  Fd first = ConnectTo(listener.get());
  bool full = first.valid() && (WaitFor(listener.get(), POLLIN) & POLLIN);
  Fd waiting{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)};
  int connect_error = Connect();

  int Connect() {
    sockaddr_in address = Inet4("127.0.0.1", PortOf(listener.get()));
    return ErrnoOf(::connect(waiting.get(), Sa(&address), sizeof address));
  }
};

TEST(FactsListen, FullTcpQueueLeavesTheClientWaiting) {
  FullQueue queue;
  ASSERT_TRUE(queue.full) << "the first client never reached the queue";
  ASSERT_EQ(queue.connect_error, EINPROGRESS) << ErrnoName(queue.connect_error);
  EXPECT_EQ(WaitFor(queue.waiting.get(), POLLOUT, 300), 0) << "connected while the queue was full";
  EXPECT_EQ(TcpInfo(queue.waiting.get()).tcpi_state, TCP_SYN_SENT);
  Fd taken(::accept(queue.listener.get(), nullptr, nullptr));  // makes room
  ASSERT_TRUE(taken.valid());
  // The client's next SYN (about 1 s after the first) now gets through.
  EXPECT_TRUE(WaitFor(queue.waiting.get(), POLLOUT, 5000) & POLLOUT);
  int error = -1;
  socklen_t length = sizeof error;
  ::getsockopt(queue.waiting.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  EXPECT_EQ(error, 0) << ErrnoName(error);
}

TEST(FactsConnect, UnansweredSynGivesUpAfterAbout127Seconds) {
  // Waiting for ETIMEDOUT would take minutes: compute it from what the kernel
  // uses, the first retransmission timeout and the number of SYN retries.
  FullQueue queue;
  ASSERT_TRUE(queue.full);
  ASSERT_EQ(queue.connect_error, EINPROGRESS);
  std::vector<long> retries = SysctlNumbers("net/ipv4/tcp_syn_retries");
  ASSERT_EQ(retries.size(), 1u) << "cannot read net.ipv4.tcp_syn_retries";
  int syncnt = -1;
  socklen_t length = sizeof syncnt;
  ASSERT_EQ(::getsockopt(queue.waiting.get(), IPPROTO_TCP, TCP_SYNCNT, &syncnt, &length), 0);
  EXPECT_EQ(syncnt, retries[0]) << "a new socket takes tcp_syn_retries";
  const tcp_info info = TcpInfo(queue.waiting.get());
  ASSERT_EQ(info.tcpi_state, TCP_SYN_SENT);
  // Each retry doubles the timeout: rto * (1 + 2 + ... + 2^retries).
  const double seconds = info.tcpi_rto / 1e6 * ((2L << retries[0]) - 1);
  EXPECT_GT(seconds, 0);
  SeenHere("first timeout " + std::to_string(info.tcpi_rto / 1000) + " ms, " +
           std::to_string(retries[0]) + " retries: gives up after " + Seconds(seconds));
  if (seconds < 120 || seconds > 135) {
    DiffersHere("an unanswered connect gives up after about " + Seconds(seconds) +
                " here (tcp_syn_retries " + std::to_string(retries[0]) + "), not 127 s");
  }
}

}  // namespace
}  // namespace labkit::facts
