// Facts of handout 06 about urgent data (MSG_OOB): the mark, POLLPRI, and
// where urgent data exists at all.
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

// A TCP connection where the peer sent "ab", then 'c' with MSG_OOB, then
// "def", and all of it has arrived.
struct UrgentStream {
  std::pair<Fd, Fd> pair = TcpPair();
  int reader = pair.second.get();
  bool arrived = Send();

  bool Send() {
    int writer = pair.first.get();
    return ::send(writer, "ab", 2, 0) == 2 && ::send(writer, "c", 1, MSG_OOB) == 1 &&
           ::send(writer, "def", 3, 0) == 3 && (WaitFor(reader, POLLPRI) & POLLPRI) &&
           WaitUntil([this] { return Unread() == 6; });
  }
  // FIONREAD stops at the mark; /proc/net/tcp counts every byte received.
  unsigned long Unread() const {
    for (const TcpEntry& e : TcpTable()) {
      if (e.local_port == PortOf(reader) && e.remote_port == PortOf(pair.first.get())) return e.unread;
    }
    return 0;
  }
  int AtMark() const {
    int flag = -1;
    return ::ioctl(reader, SIOCATMARK, &flag) == 0 ? flag : -1;
  }
  std::string Recv(int flags = 0) const {
    char buffer[16];
    long n = ::recv(reader, buffer, sizeof buffer, flags | MSG_DONTWAIT);
    return n < 0 ? "error " + ErrnoName(errno) : std::string(buffer, n);
  }
};

TEST(FactsOob, UrgentByteRaisesPollpri) {
  auto [client, server] = TcpPair();
  ASSERT_EQ(WaitFor(server.get(), POLLPRI, 0), 0);
  ASSERT_EQ(::send(client.get(), "c", 1, MSG_OOB), 1);
  EXPECT_TRUE(WaitFor(server.get(), POLLPRI) & POLLPRI);
}

TEST(FactsOob, PlainRecvStopsAtTheMark) {
  UrgentStream stream;
  ASSERT_TRUE(stream.arrived);
  EXPECT_EQ(stream.AtMark(), 0);
  EXPECT_EQ(stream.Recv(), "ab") << "with room for more, recv stops at the mark";
  EXPECT_EQ(stream.AtMark(), 1);
  EXPECT_EQ(stream.Recv(), "def") << "a plain recv skips the urgent byte";
  EXPECT_EQ(stream.AtMark(), 0);
}

TEST(FactsOob, UrgentByteIsReadOnceThenEinval) {
  UrgentStream stream;
  ASSERT_TRUE(stream.arrived);
  EXPECT_EQ(stream.Recv(MSG_OOB), "c");
  EXPECT_EQ(stream.Recv(MSG_OOB), "error EINVAL");
  EXPECT_EQ(stream.Recv(), "ab");
  EXPECT_EQ(stream.Recv(), "def");
}

TEST(FactsOob, NoUrgentByteIsEinval) {
  auto [client, server] = TcpPair();
  char byte;
  EXPECT_EQ(ErrnoOf(::recv(server.get(), &byte, 1, MSG_OOB | MSG_DONTWAIT)), EINVAL);
}

TEST(FactsOob, DatagramSocketHasNoUrgentData) {
  Fd receiver = BoundSocket(AF_INET, SOCK_DGRAM, "127.0.0.1");
  Fd sender = BoundSocket(AF_INET, SOCK_DGRAM, "127.0.0.1");
  sockaddr_in to = Inet4("127.0.0.1", PortOf(receiver.get()));
  EXPECT_EQ(ErrnoOf(::sendto(sender.get(), "c", 1, MSG_OOB, Sa(&to), sizeof to)), EOPNOTSUPP);
}

TEST(FactsOob, AtmarkOnANonSocketIsEnotty) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Fd read_end(fds[0]), write_end(fds[1]);
  int flag;
  EXPECT_EQ(ErrnoOf(::ioctl(fds[0], SIOCATMARK, &flag)), ENOTTY);
}

TEST(FactsOob, UnixStreamUrgentDataDependsOnTheKernel) {
  // Linux 5.15 added MSG_OOB to AF_UNIX streams (CONFIG_AF_UNIX_OOB).
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  Fd writer(fds[0]), reader(fds[1]);
  int error = ErrnoOf(::send(writer.get(), "c", 1, MSG_OOB));
  if (error != 0) {
    EXPECT_EQ(error, EOPNOTSUPP) << ErrnoName(error);
    DiffersHere("AF_UNIX stream sockets refuse MSG_OOB on this kernel (EOPNOTSUPP)");
    return;
  }
  SeenHere("AF_UNIX stream sockets take MSG_OOB on this kernel");
  EXPECT_TRUE(WaitFor(reader.get(), POLLPRI) & POLLPRI);
  char byte = 0;
  EXPECT_EQ(::recv(reader.get(), &byte, 1, MSG_OOB | MSG_DONTWAIT), 1);
  EXPECT_EQ(byte, 'c');
}

}  // namespace
}  // namespace labkit::facts
