// Facts of handouts 01 (socket) and 02 (bind, Internet addresses), checked
// on this machine. Each TEST is cited by name in a handout: "(fact: X.Y)".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

int IntOption(int fd, int option) {
  int value = -1;
  socklen_t length = sizeof value;
  return ::getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0 ? value : -1;
}

// The lowest descriptor number this process has free.
int LowestFreeFd() {
  int fd = 0;
  while (::fcntl(fd, F_GETFD) != -1) ++fd;
  return fd;
}

TEST(FactsSocket, ProtocolZeroPicksTcpForStreamsAndUdpForDatagrams) {
  for (int domain : {AF_INET, AF_INET6}) {
    Fd stream(::socket(domain, SOCK_STREAM, 0));
    Fd datagram(::socket(domain, SOCK_DGRAM, 0));
    EXPECT_EQ(IntOption(stream.get(), SO_PROTOCOL), IPPROTO_TCP) << "domain " << domain;
    EXPECT_EQ(IntOption(datagram.get(), SO_PROTOCOL), IPPROTO_UDP) << "domain " << domain;
  }
  Fd local(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(IntOption(local.get(), SO_PROTOCOL), 0);
}

TEST(FactsSocket, GetsockoptReadsBackDomainAndType) {
  for (int domain : {AF_UNIX, AF_INET, AF_INET6}) {
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
      Fd fd(::socket(domain, type, 0));
      ASSERT_TRUE(fd.valid()) << ErrnoName(errno);
      EXPECT_EQ(IntOption(fd.get(), SO_DOMAIN), domain);
      EXPECT_EQ(IntOption(fd.get(), SO_TYPE), type);
    }
  }
}

TEST(FactsSocket, ProtocolThatDoesNotFitTheTypeIsEprotonosupport) {
  EXPECT_EQ(ErrnoOf(Fd(::socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)).get()), EPROTONOSUPPORT);
}

TEST(FactsSocket, UnknownDomainIsEafnosupport) {
  EXPECT_EQ(ErrnoOf(Fd(::socket(4242, SOCK_STREAM, 0)).get()), EAFNOSUPPORT);
}

TEST(FactsSocket, UnknownTypeNumberIsEinval) {
  EXPECT_EQ(ErrnoOf(Fd(::socket(AF_INET, 999, 0)).get()), EINVAL);
}

TEST(FactsSocket, RealTypeTheDomainLacksIsEsocktnosupport) {
  // SOCK_SEQPACKET is a real type; IPv4 has it only when SCTP is loaded.
  Fd fd(::socket(AF_INET, SOCK_SEQPACKET, 0));
  if (fd.valid()) {
    DiffersHere("socket(AF_INET, SOCK_SEQPACKET, 0) succeeded (a protocol such as SCTP is "
                "loaded); the handout's example expects ESOCKTNOSUPPORT");
    EXPECT_EQ(IntOption(fd.get(), SO_TYPE), SOCK_SEQPACKET);
    return;
  }
  EXPECT_EQ(errno, ESOCKTNOSUPPORT) << ErrnoName(errno);
}

TEST(FactsSocket, NewDescriptorIsTheLowestFree) {
  Fd first(::socket(AF_INET, SOCK_STREAM, 0));
  Fd second(::socket(AF_INET, SOCK_STREAM, 0));
  const int freed = first.get();
  first.reset();
  ASSERT_EQ(LowestFreeFd(), freed);
  Fd third(::socket(AF_INET, SOCK_DGRAM, 0));
  EXPECT_EQ(third.get(), freed);
}

TEST(FactsSocket, SockNonblockSetsTheStatusFlagNotTheType) {
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  ASSERT_TRUE(fd.valid());
  EXPECT_TRUE(::fcntl(fd.get(), F_GETFL) & O_NONBLOCK);
  EXPECT_EQ(IntOption(fd.get(), SO_TYPE), SOCK_STREAM);
  Fd plain(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_FALSE(::fcntl(plain.get(), F_GETFL) & O_NONBLOCK);
}

TEST(FactsSocket, SecondCloseIsEbadf) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(::close(fd), 0);
  EXPECT_EQ(ErrnoOf(::close(fd)), EBADF);
}

TEST(FactsSocket, NotASocketIsEnotsockAndNotOpenIsEbadf) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Fd read_end(fds[0]), write_end(fds[1]);
  int value;
  socklen_t length = sizeof value;
  EXPECT_EQ(ErrnoOf(::getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &value, &length)), ENOTSOCK);
  const int unused = LowestFreeFd();
  EXPECT_EQ(ErrnoOf(::getsockopt(unused, SOL_SOCKET, SO_TYPE, &value, &length)), EBADF);
}

TEST(FactsSocket, NoFreeDescriptorIsEmfile) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  rlimit tight = before;
  tight.rlim_cur = LowestFreeFd();  // every number below the limit is taken
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int error = ErrnoOf(fd);
  ::setrlimit(RLIMIT_NOFILE, &before);
  Fd owned(fd);
  EXPECT_EQ(error, EMFILE);
}

TEST(FactsBind, AddressStructureSizes) {
  // The handout's table; the kernel must agree with the C library.
  if (sizeof(sockaddr_in) != 16 || sizeof(sockaddr_in6) != 28 || sizeof(sockaddr_un) != 110 ||
      sizeof(sockaddr_un::sun_path) != 108 || sizeof(sockaddr_storage) != 128) {
    DiffersHere("address structure sizes differ from the handout's table");
  }
  for (int family : {AF_INET, AF_INET6}) {
    Fd fd = BoundSocket(family, SOCK_DGRAM, family == AF_INET ? "127.0.0.1" : "::1");
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    EXPECT_EQ(length, family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
  }
}

TEST(FactsBind, TooShortLengthIsEinvalLongerIsAccepted) {
  sockaddr_storage storage{};
  auto& address = reinterpret_cast<sockaddr_in&>(storage);
  address = Inet4("127.0.0.1", 0);
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(fd.get(), Sa(&storage), sizeof(sockaddr_in) - 1)), EINVAL);
  EXPECT_EQ(ErrnoOf(::bind(fd.get(), Sa(&storage), sizeof storage)), 0);
}

TEST(FactsBind, WrongFamilyStructureIsEafnosupport) {
  sockaddr_in6 address = Inet6("::1", 0);
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(fd.get(), Sa(&address), sizeof address)), EAFNOSUPPORT);
}

TEST(FactsBind, BindingABoundSocketIsEinval) {
  Fd fd = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  sockaddr_in again = Inet4("127.0.0.1", 0);
  EXPECT_EQ(ErrnoOf(::bind(fd.get(), Sa(&again), sizeof again)), EINVAL);
}

TEST(FactsBind, AddressNotOnThisHostIsEaddrnotavail) {
  sockaddr_in address = Inet4("192.0.2.1", 0);  // TEST-NET-1: documentation only
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  int error = ErrnoOf(::bind(fd.get(), Sa(&address), sizeof address));
  if (error == 0 && Sysctl("net/ipv4/ip_nonlocal_bind") == "1") {
    DiffersHere("net.ipv4.ip_nonlocal_bind is 1: binding an address this host lacks succeeds");
    return;
  }
  EXPECT_EQ(error, EADDRNOTAVAIL) << ErrnoName(error);
}

TEST(FactsBind, LoopbackAndAnyConflictBothWays) {
  Fd loopback = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  sockaddr_in any = Inet4("0.0.0.0", PortOf(loopback.get()));
  Fd second(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(second.get(), Sa(&any), sizeof any)), EADDRINUSE);

  Fd wildcard = BoundSocket(AF_INET, SOCK_STREAM, "0.0.0.0");
  sockaddr_in local = Inet4("127.0.0.1", PortOf(wildcard.get()));
  Fd third(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(third.get(), Sa(&local), sizeof local)), EADDRINUSE);
}

TEST(FactsBind, OtherLoopbackAddressesAreFree) {
  Fd first = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  sockaddr_in other = Inet4("127.0.0.2", PortOf(first.get()));
  Fd second(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(second.get(), Sa(&other), sizeof other)), 0);
}

TEST(FactsBind, Ipv6AnyAlsoTakesTheIpv4Port) {
  const bool v6only = Sysctl("net/ipv6/bindv6only") == "1";
  if (v6only) DiffersHere("net.ipv6.bindv6only is 1: [::] does not take IPv4 by default");
  Fd six = BoundSocket(AF_INET6, SOCK_STREAM, "::");
  sockaddr_in any = Inet4("0.0.0.0", PortOf(six.get()));
  Fd four(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(four.get(), Sa(&any), sizeof any)), v6only ? 0 : EADDRINUSE);
}

TEST(FactsBind, UnboundSocketReportsPortZero) {
  Fd fd(::socket(AF_INET6, SOCK_STREAM, 0));
  sockaddr_in6 address{};
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd.get(), Sa(&address), &length), 0);
  EXPECT_EQ(address.sin6_family, AF_INET6);
  EXPECT_EQ(address.sin6_port, 0);
}

TEST(FactsBind, PortZeroPicksAFreePortFromTheLocalRange) {
  std::vector<long> range = SysctlNumbers("net/ipv4/ip_local_port_range");
  ASSERT_EQ(range.size(), 2u) << "cannot read net.ipv4.ip_local_port_range";
  Fd a = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  Fd b = BoundSocket(AF_INET, SOCK_STREAM, "127.0.0.1");
  EXPECT_NE(PortOf(a.get()), PortOf(b.get()));
  for (const Fd* fd : {&a, &b}) {
    EXPECT_GE(PortOf(fd->get()), range[0]);
    EXPECT_LE(PortOf(fd->get()), range[1]);
  }
}

TEST(FactsBind, PortBelowTheUnprivilegedStartIsEacces) {
  std::vector<long> start = SysctlNumbers("net/ipv4/ip_unprivileged_port_start");
  ASSERT_EQ(start.size(), 1u) << "cannot read net.ipv4.ip_unprivileged_port_start";
  if (start[0] != 1024) {
    DiffersHere("net.ipv4.ip_unprivileged_port_start is " + std::to_string(start[0]) +
                ", not 1024");
  }
  if (start[0] == 0) return;  // no port is privileged here: nothing to check
  const uint16_t port = static_cast<uint16_t>(start[0] - 1);
  std::string why;
  int error = AsUnprivileged([port] {
    sockaddr_in address = Inet4("127.0.0.1", port);
    Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
    return ErrnoOf(::bind(fd.get(), Sa(&address), sizeof address));
  }, &why);
  if (error == -1) GTEST_SKIP() << "not checked: " << why;
  EXPECT_EQ(error, EACCES) << "port " << port << ": " << ErrnoName(error);
}

}  // namespace
}  // namespace labkit::facts
