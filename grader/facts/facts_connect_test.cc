// Facts of handout 05 (connect): refusals, the ephemeral port, families and
// types that must match, AF_UNIX paths. (The 127 s give-up time is checked
// in facts_listen_test.cc, beside the full queue it needs.)
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

int ConnectInet(const char* ip, uint16_t port) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  Bound(fd.get());
  sockaddr_in address = Inet4(ip, port);
  return ErrnoOf(::connect(fd.get(), Sa(&address), sizeof address));
}

// IPV6_V6ONLY is set either way: its default comes from net.ipv6.bindv6only.
int ConnectInet6(const char* ip, uint16_t port, bool v6only = false) {
  Fd fd(::socket(AF_INET6, SOCK_STREAM, 0));
  Bound(fd.get());
  int option = v6only;
  ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &option, sizeof option);
  sockaddr_in6 address = Inet6(ip, port);
  return ErrnoOf(::connect(fd.get(), Sa(&address), sizeof address));
}

// connect() of a new AF_UNIX socket of `type` to `path`, passing `length`
// (0: the whole structure).
int ConnectUnix(const std::string& path, socklen_t length = 0, int type = SOCK_STREAM) {
  sockaddr_un address = UnixPath(path);
  Fd fd(::socket(AF_UNIX, type, 0));
  return ErrnoOf(::connect(fd.get(), Sa(&address), length ? length : sizeof address));
}

Fd UnixServer(const std::string& path, int type = SOCK_STREAM, bool listening = true) {
  sockaddr_un address = UnixPath(path);
  Fd fd(::socket(AF_UNIX, type, 0));
  if (::bind(fd.get(), Sa(&address), sizeof address) != 0) fd.reset();
  if (fd.valid() && listening && ::listen(fd.get(), 4) != 0) fd.reset();
  return fd;
}

TEST(FactsConnect, ClosedPortIsRefusedAtOnce) {
  EXPECT_EQ(ConnectInet("127.0.0.1", ClosedPort(SOCK_STREAM)), ECONNREFUSED);
  EXPECT_EQ(ConnectInet("127.0.0.1", 0), ECONNREFUSED) << "port 0: nothing listens there";
  EXPECT_EQ(ConnectInet6("::1", 0), ECONNREFUSED) << "port 0: nothing listens there";
}

TEST(FactsConnect, CompletesBeforeTheServerAccepts) {
  Fd listener = TcpListener();
  Fd client = ConnectTo(listener.get());  // nobody is in accept()
  EXPECT_TRUE(client.valid()) << ErrnoName(errno);
  EXPECT_TRUE(WaitFor(listener.get(), POLLIN) & POLLIN) << "the connection waits in the queue";
}

TEST(FactsConnect, EphemeralPortComesFromTheLocalRange) {
  std::vector<long> range = SysctlNumbers("net/ipv4/ip_local_port_range");
  ASSERT_EQ(range.size(), 2u) << "cannot read net.ipv4.ip_local_port_range";
  const std::string text = std::to_string(range[0]) + "-" + std::to_string(range[1]);
  if (range[0] != 32768 || range[1] != 60999) {
    DiffersHere("the ephemeral port range is " + text + ", not 32768-60999");
  } else {
    SeenHere("the ephemeral port range is " + text);
  }
  Fd listener = TcpListener();
  Fd first = ConnectTo(listener.get());
  Fd second = ConnectTo(listener.get());
  ASSERT_TRUE(first.valid() && second.valid());
  EXPECT_NE(PortOf(first.get()), PortOf(second.get()));
  for (const Fd* client : {&first, &second}) {
    EXPECT_GE(PortOf(client->get()), range[0]);
    EXPECT_LE(PortOf(client->get()), range[1]);
  }
}

TEST(FactsConnect, TcpToAUdpOnlyPortIsRefused) {
  Fd udp = BoundSocket(AF_INET, SOCK_DGRAM, "127.0.0.1");
  EXPECT_EQ(ConnectInet("127.0.0.1", PortOf(udp.get())), ECONNREFUSED);
}

TEST(FactsConnect, UnixStreamToADatagramSocketIsEprototype) {
  const std::string path = TempDir() + "/datagram.sock";
  Fd server = UnixServer(path, SOCK_DGRAM, false);
  ASSERT_TRUE(server.valid());
  EXPECT_EQ(ConnectUnix(path), EPROTOTYPE);
}

TEST(FactsConnect, Ipv6LoopbackDoesNotReachIpv4Loopback) {
  Fd listener = TcpListener("127.0.0.1");
  EXPECT_EQ(ConnectInet6("::1", PortOf(listener.get())), ECONNREFUSED);
}

TEST(FactsConnect, MappedAddressReachesIpv4UnlessV6only) {
  Fd listener = TcpListener("127.0.0.1");
  const uint16_t port = PortOf(listener.get());
  EXPECT_EQ(ConnectInet6("::ffff:127.0.0.1", port), 0);
  int error = ConnectInet6("::ffff:127.0.0.1", port, /*v6only=*/true);
  EXPECT_NE(error, 0) << "an IPV6_V6ONLY socket reached an IPv4 server";
  SeenHere("an IPV6_V6ONLY socket gets " + ErrnoName(error));
}

TEST(FactsConnect, UnixMissingPathIsEnoent) {
  const std::string dir = TempDir();
  EXPECT_EQ(ConnectUnix(dir + "/nothing.sock"), ENOENT);
  EXPECT_EQ(ConnectUnix(dir + "/missing/server.sock"), ENOENT);
}

TEST(FactsConnect, UnixFileThatIsNotListeningIsRefused) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/notes.txt") << "a regular file";
  EXPECT_EQ(ConnectUnix(dir + "/notes.txt"), ECONNREFUSED) << "a regular file";
  UnixServer(dir + "/stale.sock");  // closed at once: its file stays
  EXPECT_EQ(ConnectUnix(dir + "/stale.sock"), ECONNREFUSED) << "a stale socket file";
  Fd bound = UnixServer(dir + "/bound.sock", SOCK_STREAM, false);
  EXPECT_EQ(ConnectUnix(dir + "/bound.sock"), ECONNREFUSED) << "bound, never listening";
  ASSERT_EQ(::mkdir((dir + "/folder").c_str(), 0777), 0);
  EXPECT_EQ(ConnectUnix(dir + "/folder"), ECONNREFUSED) << "a directory";
  ASSERT_EQ(::mkfifo((dir + "/fifo").c_str(), 0666), 0);
  EXPECT_EQ(ConnectUnix(dir + "/fifo"), ECONNREFUSED) << "a fifo";
}

TEST(FactsConnect, UnixConnectFollowsSymbolicLinks) {
  const std::string dir = TempDir();
  Fd server = UnixServer(dir + "/server.sock");
  ASSERT_TRUE(server.valid());
  ASSERT_EQ(::symlink("server.sock", (dir + "/link.sock").c_str()), 0);
  EXPECT_EQ(ConnectUnix(dir + "/link.sock"), 0) << "a link to a listening socket";
  ASSERT_EQ(::symlink("nowhere", (dir + "/dangling.sock").c_str()), 0);
  EXPECT_EQ(ConnectUnix(dir + "/dangling.sock"), ENOENT) << "a link to nothing";
}

TEST(FactsConnect, EmptyUnixPathIsAnAbstractNameNobodyListensOn) {
  // sun_path starts with its NUL: Linux reads an abstract name.
  EXPECT_EQ(ConnectUnix(""), ECONNREFUSED) << "the whole sockaddr_un";
  EXPECT_EQ(ConnectUnix("", offsetof(sockaddr_un, sun_path) + 1), ECONNREFUSED)
      << "the family and the NUL";
  EXPECT_EQ(ConnectUnix("", offsetof(sockaddr_un, sun_path)), EINVAL) << "the family alone";
}

TEST(FactsConnect, SockaddrLengthCutsAUnixPathTo14Bytes) {
  // sizeof(sockaddr) is 16: the family and the first 14 bytes of the path.
  InDirectory here(TempDir());
  ASSERT_TRUE(here.entered());
  ASSERT_EQ(sizeof(sockaddr) - sizeof(sa_family_t), 14u);
  Fd server = UnixServer("abcdefghijklmnop.sock");  // 21 characters
  ASSERT_TRUE(server.valid());
  EXPECT_EQ(ConnectUnix("abcdefghijklmnop.sock"), 0);
  EXPECT_EQ(ConnectUnix("abcdefghijklmnop.sock", sizeof(sockaddr)), ENOENT)
      << "\"abcdefghijklmn\" does not exist";
  ASSERT_EQ(::mkdir("abcdefghijklmn", 0755), 0);
  EXPECT_EQ(ConnectUnix("abcdefghijklmnop.sock", sizeof(sockaddr)), ECONNREFUSED)
      << "\"abcdefghijklmn\" now exists, as a directory";
}

TEST(FactsConnect, ShortIpv6LengthIsEinvalWrongFamilyIsEafnosupport) {
  Fd listener = TcpListener("::1");
  sockaddr_in6 address = Inet6("::1", PortOf(listener.get()));
  Fd six(::socket(AF_INET6, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::connect(six.get(), Sa(&address), sizeof(sockaddr_in))), EINVAL);
  Fd four(::socket(AF_INET, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::connect(four.get(), Sa(&address), sizeof address)), EAFNOSUPPORT);
}

TEST(FactsConnect, GetpeernameWithoutAPeerIsEnotconn) {
  Fd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  EXPECT_EQ(ErrnoOf(::getpeername(fd.get(), Sa(&address), &length)), ENOTCONN);
}

}  // namespace
}  // namespace labkit::facts
