// Facts of handout 07 (datagrams): boundaries, truncation, sizes, connected
// UDP and its errors, drops, and AF_UNIX datagrams.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

Fd Udp(const char* ip = "127.0.0.1") { return BoundSocket(ip[0] == ':' ? AF_INET6 : AF_INET, SOCK_DGRAM, ip); }

long SendTo(int fd, const std::string& payload, int to, const char* ip = "127.0.0.1") {
  if (ip[0] == ':') {
    sockaddr_in6 address = Inet6(ip, PortOf(to));
    return ::sendto(fd, payload.data(), payload.size(), 0, Sa(&address), sizeof address);
  }
  sockaddr_in address = Inet4(ip, PortOf(to));
  return ::sendto(fd, payload.data(), payload.size(), 0, Sa(&address), sizeof address);
}

// One recv of at most `max` bytes, after a bounded wait: the bytes, or "error E".
std::string Recv(int fd, size_t max = 64, int flags = 0, long* result = nullptr) {
  if (!(WaitFor(fd, POLLIN) & POLLIN)) return "(nothing within the bound)";
  std::string buffer(max, '\0');
  long n = ::recv(fd, buffer.data(), max, flags);
  if (result) *result = n;
  return n < 0 ? "error " + ErrnoName(errno) : buffer.substr(0, std::min<size_t>(n, max));
}

TEST(FactsUdp, EachRecvReturnsOneDatagram) {
  Fd receiver = Udp(), sender = Udp();
  ASSERT_EQ(SendTo(sender.get(), "abc", receiver.get()), 3);
  ASSERT_EQ(SendTo(sender.get(), "defg", receiver.get()), 4);
  EXPECT_EQ(Recv(receiver.get()), "abc");
  EXPECT_EQ(Recv(receiver.get()), "defg");
}

TEST(FactsUdp, EmptyDatagramIsReceivedAsZero) {
  Fd receiver = Udp(), sender = Udp();
  ASSERT_EQ(SendTo(sender.get(), "", receiver.get()), 0);
  ASSERT_EQ(SendTo(sender.get(), "next", receiver.get()), 4);
  long n = -1;
  EXPECT_EQ(Recv(receiver.get(), 64, 0, &n), "");
  EXPECT_EQ(n, 0);
  EXPECT_EQ(Recv(receiver.get()), "next") << "0 was not an end: the next datagram follows";
}

TEST(FactsUdp, ShortBufferTruncatesSilently) {
  Fd receiver = Udp(), sender = Udp();
  ASSERT_EQ(SendTo(sender.get(), "0123456789abcdef", receiver.get()), 16);
  ASSERT_EQ(SendTo(sender.get(), "whole", receiver.get()), 5);
  long n = -1;
  EXPECT_EQ(Recv(receiver.get(), 10, 0, &n), "0123456789");
  EXPECT_EQ(n, 10) << "the count is what was copied, nothing more";
  EXPECT_EQ(Recv(receiver.get()), "whole") << "the rest of the first one is gone";
}

TEST(FactsUdp, MsgTruncReturnsTheRealLength) {
  Fd receiver = Udp(), sender = Udp();
  ASSERT_EQ(SendTo(sender.get(), "0123456789abcdef", receiver.get()), 16);
  long n = -1;
  EXPECT_EQ(Recv(receiver.get(), 10, MSG_TRUNC, &n), "0123456789");
  EXPECT_EQ(n, 16);
}

TEST(FactsUdp, RecvmsgAndPeekTellTheSize) {
  Fd receiver = Udp(), sender = Udp();
  ASSERT_EQ(SendTo(sender.get(), "0123456789abcdef", receiver.get()), 16);
  ASSERT_TRUE(WaitFor(receiver.get(), POLLIN) & POLLIN);
  char none;
  EXPECT_EQ(::recv(receiver.get(), &none, 0, MSG_PEEK | MSG_TRUNC), 16) << "the next size";
  char buffer[10];
  iovec part{buffer, sizeof buffer};
  msghdr message{};
  message.msg_iov = &part;
  message.msg_iovlen = 1;
  EXPECT_EQ(::recvmsg(receiver.get(), &message, 0), 10);
  EXPECT_TRUE(message.msg_flags & MSG_TRUNC);
}

TEST(FactsUdp, LargestPayloadsAre65507And65527) {
  struct Case { const char* ip; size_t largest; } cases[] = {{"127.0.0.1", 65507}, {"::1", 65527}};
  for (const Case& c : cases) {
    Fd receiver = Udp(c.ip), sender = Udp(c.ip);
    EXPECT_EQ(SendTo(sender.get(), std::string(c.largest, 'x'), receiver.get(), c.ip), c.largest)
        << c.ip << ": " << ErrnoName(errno);
    EXPECT_EQ(ErrnoOf(SendTo(sender.get(), std::string(c.largest + 1, 'x'), receiver.get(), c.ip)),
              EMSGSIZE) << c.ip;
    EXPECT_EQ(Recv(receiver.get(), 70000).size(), c.largest) << c.ip;
  }
}

TEST(FactsUdp, FirstSendtoBindsTheSender) {
  Fd receiver = Udp();
  Fd sender(::socket(AF_INET, SOCK_DGRAM, 0));
  ASSERT_EQ(PortOf(sender.get()), 0);
  ASSERT_EQ(SendTo(sender.get(), "hi", receiver.get()), 2);
  EXPECT_NE(PortOf(sender.get()), 0);
  ASSERT_TRUE(WaitFor(receiver.get(), POLLIN) & POLLIN);
  sockaddr_in from{};
  socklen_t length = sizeof from;
  char buffer[8];
  ASSERT_EQ(::recvfrom(receiver.get(), buffer, sizeof buffer, 0, Sa(&from), &length), 2);
  EXPECT_EQ(ntohs(from.sin_port), PortOf(sender.get())) << "the sender's getsockname";
}

TEST(FactsUdp, SendWithoutAPeerIsEdestaddrreq) {
  Fd fd = Udp();
  EXPECT_EQ(ErrnoOf(::send(fd.get(), "hi", 2, 0)), EDESTADDRREQ);
}

TEST(FactsUdp, ConnectSucceedsWithNobodyThere) {
  Fd fd = Udp();
  sockaddr_in nobody = Inet4("127.0.0.1", ClosedPort(SOCK_DGRAM));
  EXPECT_EQ(ErrnoOf(::connect(fd.get(), Sa(&nobody), sizeof nobody)), 0);
}

TEST(FactsUdp, ConnectFiltersOnlyLaterDatagrams) {
  Fd fd = Udp(), peer = Udp(), stranger = Udp();
  ASSERT_EQ(SendTo(stranger.get(), "before", fd.get()), 6);
  ASSERT_TRUE(WaitFor(fd.get(), POLLIN) & POLLIN);
  sockaddr_in to = Inet4("127.0.0.1", PortOf(peer.get()));
  ASSERT_EQ(::connect(fd.get(), Sa(&to), sizeof to), 0);
  ASSERT_EQ(SendTo(stranger.get(), "after", fd.get()), 5);
  ASSERT_EQ(SendTo(peer.get(), "peer", fd.get()), 4);
  EXPECT_EQ(Recv(fd.get()), "before") << "queued before connect(): still delivered";
  EXPECT_EQ(Recv(fd.get()), "peer") << "the stranger's later datagram was dropped";
  EXPECT_EQ(ErrnoOf(::recv(fd.get(), &to, 1, MSG_DONTWAIT)), EAGAIN);
}

TEST(FactsUdp, ConnectedSocketHearsARefusalOnce) {
  Fd fd = Udp();
  sockaddr_in nobody = Inet4("127.0.0.1", ClosedPort(SOCK_DGRAM));
  ASSERT_EQ(::connect(fd.get(), Sa(&nobody), sizeof nobody), 0);
  ASSERT_EQ(::send(fd.get(), "hi", 2, 0), 2);
  EXPECT_TRUE(WaitFor(fd.get(), POLLERR) & POLLERR);
  char byte;
  EXPECT_EQ(ErrnoOf(::recv(fd.get(), &byte, 1, MSG_DONTWAIT)), ECONNREFUSED);
  EXPECT_EQ(ErrnoOf(::recv(fd.get(), &byte, 1, MSG_DONTWAIT)), EAGAIN) << "only once";
}

TEST(FactsUdp, UnconnectedSocketIsNotToldOfARefusal) {
  const uint16_t closed = ClosedPort(SOCK_DGRAM);
  sockaddr_in nobody = Inet4("127.0.0.1", closed);
  Fd unconnected = Udp(), connected = Udp();
  ASSERT_EQ(::sendto(unconnected.get(), "hi", 2, 0, Sa(&nobody), sizeof nobody), 2);
  // A connected socket's refusal, sent after, shows the ICMP answers came back.
  ASSERT_EQ(::connect(connected.get(), Sa(&nobody), sizeof nobody), 0);
  ASSERT_EQ(::send(connected.get(), "hi", 2, 0), 2);
  ASSERT_TRUE(WaitFor(connected.get(), POLLERR) & POLLERR);
  EXPECT_EQ(WaitFor(unconnected.get(), POLLERR | POLLIN, 0), 0);
  int error = -1;
  socklen_t length = sizeof error;
  ::getsockopt(unconnected.get(), SOL_SOCKET, SO_ERROR, &error, &length);
  EXPECT_EQ(error, 0) << ErrnoName(error);
}

TEST(FactsUdp, FullReceiverDropsSilently) {
  Fd receiver = Udp(), sender = Udp();
  int smallest = 1;  // the kernel raises it to its minimum
  ASSERT_EQ(::setsockopt(receiver.get(), SOL_SOCKET, SO_RCVBUF, &smallest, sizeof smallest), 0);
  const int kSent = 100;
  for (int i = 0; i < kSent; ++i) {
    ASSERT_EQ(SendTo(sender.get(), std::string(1000, 'u'), receiver.get()), 1000) << "send " << i;
  }
  ASSERT_TRUE(WaitFor(receiver.get(), POLLIN) & POLLIN);
  int received = 0;
  char buffer[1000];
  while (::recv(receiver.get(), buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++received;
  EXPECT_GE(received, 1);
  EXPECT_LT(received, kSent) << "every send succeeded, yet some datagrams never arrived";
  SeenHere(std::to_string(received) + " of " + std::to_string(kSent) + " datagrams arrived");
}

TEST(FactsUdp, Ipv6AnySocketHearsIpv4) {
  if (Sysctl("net/ipv6/bindv6only") == "1") {
    DiffersHere("net.ipv6.bindv6only is 1: a [::] socket hears no IPv4 by default");
    return;
  }
  Fd any = Udp("::"), sender = Udp();
  ASSERT_EQ(SendTo(sender.get(), "v4", any.get(), "127.0.0.1"), 2);
  ASSERT_TRUE(WaitFor(any.get(), POLLIN) & POLLIN);
  sockaddr_in6 from{};
  socklen_t length = sizeof from;
  char buffer[8];
  ASSERT_EQ(::recvfrom(any.get(), buffer, sizeof buffer, 0, Sa(&from), &length), 2);
  EXPECT_TRUE(IN6_IS_ADDR_V4MAPPED(&from.sin6_addr));
  ASSERT_EQ(::sendto(any.get(), "back", 4, 0, Sa(&from), length), 4);
  EXPECT_EQ(Recv(sender.get()), "back") << "a reply to the mapped address reaches IPv4";
}

// An AF_UNIX datagram socket bound to a fresh path, and its address.
struct UnixDatagram {
  sockaddr_un address = UnixPath(TempDir() + "/receiver.sock");
  Fd fd{::socket(AF_UNIX, SOCK_DGRAM, 0)};
  bool bound = ::bind(fd.get(), Sa(&address), sizeof address) == 0;
};

TEST(FactsUnixDgram, FullQueueIsEagainAndNothingIsDropped) {
  UnixDatagram receiver;
  ASSERT_TRUE(receiver.bound);
  Fd sender(::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  int sent = 0, error = 0;
  while (error == 0 && sent < 100000) {
    error = ErrnoOf(::sendto(sender.get(), "d", 1, 0, Sa(&receiver.address), sizeof receiver.address));
    if (error == 0) ++sent;
  }
  EXPECT_EQ(error, EAGAIN) << ErrnoName(error);
  int received = 0;
  char byte;
  while (::recv(receiver.fd.get(), &byte, 1, MSG_DONTWAIT) == 1) ++received;
  EXPECT_EQ(received, sent) << "every datagram sent was received";
  SeenHere("the queue took " + std::to_string(sent) + " datagrams (net.unix.max_dgram_qlen " +
           Sysctl("net/unix/max_dgram_qlen") + ")");
}

TEST(FactsUnixDgram, UnboundSenderHasNoAddress) {
  UnixDatagram receiver;
  ASSERT_TRUE(receiver.bound);
  Fd sender(::socket(AF_UNIX, SOCK_DGRAM, 0));
  ASSERT_EQ(::sendto(sender.get(), "hi", 2, 0, Sa(&receiver.address), sizeof receiver.address), 2);
  sockaddr_storage from{};
  socklen_t length = sizeof from;
  char buffer[8];
  ASSERT_EQ(::recvfrom(receiver.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT, Sa(&from), &length), 2);
  EXPECT_EQ(length, 0u);
  EXPECT_EQ(ErrnoOf(::sendto(receiver.fd.get(), "re", 2, 0, Sa(&from), length)), ENOTCONN);
}

TEST(FactsUnixDgram, DatagramsCanBeLargerThanUdpAllows) {
  UnixDatagram receiver;
  ASSERT_TRUE(receiver.bound);
  Fd sender(::socket(AF_UNIX, SOCK_DGRAM, 0));
  Bound(sender.get());
  const std::string big(100000, 'b');
  EXPECT_EQ(::sendto(sender.get(), big.data(), big.size(), 0, Sa(&receiver.address),
                     sizeof receiver.address), static_cast<long>(big.size()))
      << ErrnoName(errno);
  EXPECT_EQ(Recv(receiver.fd.get(), 200000).size(), big.size());
}

}  // namespace
}  // namespace labkit::facts
