// Facts of handout 04 (accept): what a queued connection looks like, the
// peer address and its length, and accept's errors.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

std::string Received(int fd) {
  char buffer[64];
  if (!(WaitFor(fd, POLLIN) & POLLIN)) return "(nothing within the bound)";
  long n = ::recv(fd, buffer, sizeof buffer, 0);
  return n < 0 ? "error " + ErrnoName(errno) : std::string(buffer, n);
}

TEST(FactsAccept, ClosedClientIsAcceptedWithItsData) {
  Fd listener = TcpListener();
  Fd client = ConnectTo(listener.get());
  ASSERT_EQ(::send(client.get(), "hello", 5, 0), 5);
  client.reset();
  Fd served = AcceptFrom(listener.get());
  ASSERT_TRUE(served.valid()) << ErrnoName(errno);
  EXPECT_EQ(Received(served.get()), "hello");
  EXPECT_EQ(Received(served.get()), "") << "then the end of the stream";
}

TEST(FactsAccept, ResetClientIsAcceptedThenRecvIsEconnreset) {
  // On Linux accept() hands over a connection reset while it was queued;
  // BSD and POSIX describe ECONNABORTED for it instead.
  for (bool with_address : {true, false}) {
    Fd listener = TcpListener();
    const uint16_t port = PortOf(listener.get());
    Fd client = ConnectTo(listener.get());
    const uint16_t client_port = PortOf(client.get());
    ASSERT_TRUE(WaitFor(listener.get(), POLLIN) & POLLIN);
    linger reset{1, 0};
    ASSERT_EQ(::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
    client.reset();  // sends RST
    // Wait until the queued connection is no longer established.
    ASSERT_TRUE(WaitUntil([&] {
      for (const TcpEntry& e : TcpTable()) {
        if (e.local_port == port && e.remote_port == client_port) return false;
      }
      return true;
    })) << "the reset never reached the queued connection";
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    Fd served(with_address ? ::accept(listener.get(), Sa(&address), &length)
                           : ::accept(listener.get(), nullptr, nullptr));
    ASSERT_TRUE(served.valid()) << "accept: " << ErrnoName(errno);
    char byte;
    EXPECT_EQ(ErrnoOf(::recv(served.get(), &byte, 1, 0)), ECONNRESET);
  }
}

TEST(FactsAccept, EmptyNonblockingQueueIsEagain) {
  Fd listener = TcpListener();
  ASSERT_EQ(::fcntl(listener.get(), F_SETFL, O_NONBLOCK), 0);
  EXPECT_EQ(ErrnoOf(::accept(listener.get(), nullptr, nullptr)), EAGAIN);
}

TEST(FactsAccept, AcceptedSocketIsBlockingEvenFromANonblockingListener) {
  Fd listener = TcpListener();
  ASSERT_EQ(::fcntl(listener.get(), F_SETFL, O_NONBLOCK), 0);
  Fd client = ConnectTo(listener.get());
  Fd served = AcceptFrom(listener.get());
  ASSERT_TRUE(served.valid());
  EXPECT_FALSE(::fcntl(served.get(), F_GETFL) & O_NONBLOCK);
}

TEST(FactsAccept, ShortAddressBufferIsCutButFullLengthIsReported) {
  Fd listener = TcpListener("::1");
  Fd client = ConnectTo(listener.get());
  ASSERT_TRUE(WaitFor(listener.get(), POLLIN) & POLLIN);
  unsigned char buffer[sizeof(sockaddr_in6)];
  std::memset(buffer, 0xAA, sizeof buffer);
  socklen_t length = sizeof(sockaddr_in);  // 16 bytes offered for 28
  Fd served(::accept(listener.get(), Sa(buffer), &length));
  ASSERT_TRUE(served.valid());
  EXPECT_EQ(length, sizeof(sockaddr_in6)) << "the full length is reported";
  EXPECT_EQ(buffer[sizeof(sockaddr_in)], 0xAA) << "bytes beyond the room offered were written";
  sockaddr_in6 cut{};
  std::memcpy(&cut, buffer, sizeof(sockaddr_in));  // the rest stays zero
  EXPECT_TRUE(IN6_IS_ADDR_UNSPECIFIED(&cut.sin6_addr)) << "::1 cut short reads as ::";
}

TEST(FactsAccept, Ipv4ClientOfIpv6ListenerIsMapped) {
  Fd listener = TcpListener("::");
  if (Sysctl("net/ipv6/bindv6only") == "1") {
    DiffersHere("net.ipv6.bindv6only is 1: an IPv6 listener takes no IPv4 clients by default");
    return;
  }
  Fd client(::socket(AF_INET, SOCK_STREAM, 0));
  Bound(client.get());
  sockaddr_in to = Inet4("127.0.0.1", PortOf(listener.get()));
  ASSERT_EQ(ErrnoOf(::connect(client.get(), Sa(&to), sizeof to)), 0);
  ASSERT_TRUE(WaitFor(listener.get(), POLLIN) & POLLIN);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  Fd served(::accept(listener.get(), Sa(&address), &length));
  ASSERT_TRUE(served.valid());
  ASSERT_EQ(address.ss_family, AF_INET6);
  char text[INET6_ADDRSTRLEN] = "";
  ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6&>(address).sin6_addr, text, sizeof text);
  EXPECT_STREQ(text, "::ffff:127.0.0.1");
  EXPECT_EQ(ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port), PortOf(client.get()));
}

TEST(FactsAccept, UnnamedUnixPeerHasLengthTwo) {
  sockaddr_un path = UnixPath(TempDir() + "/server.sock");
  Fd listener(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_EQ(::bind(listener.get(), Sa(&path), sizeof path), 0);
  ASSERT_EQ(::listen(listener.get(), 4), 0);
  Fd client(::socket(AF_UNIX, SOCK_STREAM, 0));  // never bound
  ASSERT_EQ(ErrnoOf(::connect(client.get(), Sa(&path), sizeof path)), 0);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  Fd served(::accept(listener.get(), Sa(&address), &length));
  ASSERT_TRUE(served.valid());
  EXPECT_EQ(address.ss_family, AF_UNIX);
  EXPECT_EQ(length, sizeof(sa_family_t));
}

TEST(FactsAccept, SocketsThatCannotAcceptGiveTheirErrno) {
  Fd bound = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  EXPECT_EQ(ErrnoOf(::accept(bound.get(), nullptr, nullptr)), EINVAL) << "not listening";
  Fd udp = BoundSocket(AF_INET, SOCK_DGRAM, "127.0.0.1");
  EXPECT_EQ(ErrnoOf(::accept(udp.get(), nullptr, nullptr)), EOPNOTSUPP) << "a datagram socket";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Fd read_end(fds[0]), write_end(fds[1]);
  EXPECT_EQ(ErrnoOf(::accept(fds[0], nullptr, nullptr)), ENOTSOCK) << "a pipe";
  read_end.reset();
  EXPECT_EQ(ErrnoOf(::accept(fds[0], nullptr, nullptr)), EBADF) << "a closed descriptor";
}

TEST(FactsAccept, SignalWithoutSaRestartInterruptsAccept) {
  Fd listener = TcpListener();
  Fd late_client;
  Interrupted call = InterruptBlockedCall(
      [&] { return static_cast<long>(::accept(listener.get(), nullptr, nullptr)); },
      {SYS_accept, SYS_accept4}, /*sa_restart=*/false,
      [&] { late_client = ConnectTo(listener.get()); });
  ASSERT_TRUE(call.blocked) << call.problem;
  if (call.result >= 0) ::close(static_cast<int>(call.result));
  EXPECT_FALSE(call.restarted);
  EXPECT_EQ(call.error, EINTR) << ErrnoName(call.error);
}

}  // namespace
}  // namespace labkit::facts
