// Lab 01 hidden tests: graded together with the public ones.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/01_socket/test_support.h"

namespace labkit::lab01 {
namespace {

constexpr Domain kDomains[] = {Domain::kUnix, Domain::kInet, Domain::kInet6};
constexpr Kind kKinds[] = {Kind::kStream, Kind::kDatagram};

TEST(Socket, MapsEveryDomainAndKind) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectConstant(s, "DomainConstant(Domain::kUnix)", Family, AF_UNIX,
                   [] { return DomainConstant(Domain::kUnix); });
    ExpectConstant(s, "DomainConstant(Domain::kInet6)", Family, AF_INET6,
                   [] { return DomainConstant(Domain::kInet6); });
    ExpectConstant(s, "KindConstant(Kind::kDatagram)", SocketType, SOCK_DGRAM,
                   [] { return KindConstant(Kind::kDatagram); });
  });
}

TEST(Socket, OpensAllSixCombinationsWithTheDefaultProtocol) {
  RunCase({.points = 3}, [](Script& s) {
    for (Domain domain : kDomains) {
      for (Kind kind : kKinds) {
        int family = DomainConstant(domain), type = KindConstant(kind);
        std::string call = "OpenSocket(" + harness::FamilyName(family) + ", " +
                           harness::SocketTypeName(type) + ")";
        int fd = s.ExpectOk(call, [&] { return OpenSocket(family, type); });
        int protocol = family == AF_UNIX ? 0 : type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
        s.Expect("what the kernel says fd is", (SocketInfo{family, type, protocol}),
                 KernelView(fd));
      }
    }
  });
}

TEST(Socket, ReturnsTheLowestFreeDescriptorAndNoOther) {
  RunCase({.points = 1}, [](Script& s) {
    int probe = s.Sys("open(\"/dev/null\") to learn the lowest free descriptor",
                      ::open("/dev/null", O_RDONLY));
    s.Sys(sys::Close(As("probe", probe)));
    int before = CountOpenFds();
    int fd = s.ExpectOk(
        LABKIT_CALL(OpenSocket, As("AF_INET6", AF_INET6), As("SOCK_STREAM", SOCK_STREAM)));
    s.Expect("the descriptor returned", probe, fd,
             "socket() returns the lowest free descriptor: return exactly what it gave you");
    s.Expect("descriptors open after the call", before + 1, CountOpenFds(),
             "OpenSocket should open one descriptor, the socket, and nothing else");
  });
}

TEST(Socket, SetsNonblockingOnlyWhenAsked) {
  RunCase({.points = 2}, [](Script& s) {
    int fd = s.ExpectOk(LABKIT_CALL(OpenSocket, As("AF_INET6", AF_INET6),
                                    As("SOCK_DGRAM", SOCK_DGRAM), 0, As("nonblocking=true", true)));
    s.Expect("O_NONBLOCK set on fd", true, KernelView(fd).nonblocking,
             "or SOCK_NONBLOCK into the type, or set O_NONBLOCK with fcntl afterwards");
    int blocking =
        s.ExpectOk(LABKIT_CALL(OpenSocket, As("AF_UNIX", AF_UNIX), As("SOCK_STREAM", SOCK_STREAM),
                               0, As("nonblocking=false", false)));
    s.Expect("O_NONBLOCK set on the second fd", false, KernelView(blocking).nonblocking);
  });
}

TEST(Socket, ReportsAnUnsupportedDomain) {
  RunCase({.points = 1}, [](Script& s) {
    s.ExpectError(LABKIT_CALL(OpenSocket, 4242, As("SOCK_STREAM", SOCK_STREAM)), EAFNOSUPPORT);
  });
}

TEST(Socket, ReportsAnUnknownType) {
  RunCase({.points = 1}, [](Script& s) {
    s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET", AF_INET), 999), EINVAL,
                  "capture errno right after socket() fails, before any other call");
  });
}

TEST(Socket, LeavesNoDescriptorOpenOnErrors) {
  RunCase({.points = 2}, [](Script& s) {
    int before = CountOpenFds();
    s.Note("descriptors open: " + std::to_string(before));
    for (int round = 1; round <= 3; ++round) {
      s.Note("round " + std::to_string(round));
      s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET", AF_INET), As("SOCK_STREAM", SOCK_STREAM),
                                As("IPPROTO_UDP", IPPROTO_UDP)),
                    EPROTONOSUPPORT);
      s.ExpectError(LABKIT_CALL(OpenSocket, 4242, As("SOCK_DGRAM", SOCK_DGRAM)), EAFNOSUPPORT);
      s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET6", AF_INET6), 999), EINVAL);
    }
    s.Expect("descriptors open afterwards", before, CountOpenFds(),
             "a failed call must not leave anything open");
  });
}

TEST(Socket, DescribesSocketsAsTheKernelSeesThem) {
  RunCase({.points = 2}, [](Script& s) {
    int udp6 = s.Sys("socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0)",
                     ::socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0));
    s.Expect("DescribeSocket(udp6)", KernelView(udp6),
             s.ExpectOk(LABKIT_CALL(DescribeSocket, As("udp6", udp6))));
    int unix_stream = s.Sys("socket(AF_UNIX, SOCK_STREAM, 0)", ::socket(AF_UNIX, SOCK_STREAM, 0));
    s.Expect("DescribeSocket(unix_stream)", KernelView(unix_stream),
             s.ExpectOk(LABKIT_CALL(DescribeSocket, As("unix_stream", unix_stream))));
  });
}

TEST(Socket, DescribeRejectsWhatIsNotASocket) {
  RunCase({.points = 1}, [](Script& s) {
    int pipe_fds[2];
    s.Sys("pipe(pipe_fds)", ::pipe(pipe_fds));
    s.ExpectError(LABKIT_CALL(DescribeSocket, As("pipe_fds[0]", pipe_fds[0])), ENOTSOCK);
    s.ExpectError(LABKIT_CALL(DescribeSocket, 999), EBADF);
  });
}

TEST(Socket, CloseReleasesTheDescriptor) {
  RunCase({.points = 2}, [](Script& s) {
    int before = CountOpenFds();
    int fd = s.Sys("socket(AF_INET, SOCK_STREAM, 0)", ::socket(AF_INET, SOCK_STREAM, 0));
    s.ExpectOk(LABKIT_CALL(CloseSocket, As("fd", fd)));
    s.Expect("descriptors open afterwards", before, CountOpenFds(),
             "a descriptor that is never closed leaks: call close()");
    s.ExpectError("CloseSocket(fd) again", EBADF, [&] { return CloseSocket(fd); });
  });
}

}  // namespace
}  // namespace labkit::lab01
