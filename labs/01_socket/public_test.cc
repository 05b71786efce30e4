// Lab 01 public tests: run them with `./labkit check 01`.
//
// Each case is a script of numbered steps. When one fails you see every step
// it ran, the one that failed, and what was expected against what happened.
// The grader runs these and more (the hidden tests), in the same style.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/01_socket/test_support.h"

namespace labkit::lab01 {
namespace {

TEST(Socket, MapsDomainsAndKindsToTheirConstants) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectConstant(s, "DomainConstant(Domain::kInet)", Family, AF_INET,
                   [] { return DomainConstant(Domain::kInet); });
    ExpectConstant(s, "KindConstant(Kind::kStream)", SocketType, SOCK_STREAM,
                   [] { return KindConstant(Kind::kStream); });
  });
}

TEST(Socket, OpensAnInternetStreamSocket) {
  RunCase({.points = 2}, [](Script& s) {
    int fd =
        s.ExpectOk(LABKIT_CALL(OpenSocket, As("AF_INET", AF_INET), As("SOCK_STREAM", SOCK_STREAM)));
    s.Expect("what the kernel says fd is", (SocketInfo{AF_INET, SOCK_STREAM, IPPROTO_TCP}),
             KernelView(fd));
  });
}

TEST(Socket, ReportsAProtocolThatDoesNotFitTheType) {
  RunCase({.points = 1}, [](Script& s) {
    s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET", AF_INET), As("SOCK_STREAM", SOCK_STREAM),
                              As("IPPROTO_UDP", IPPROTO_UDP)),
                  EPROTONOSUPPORT,
                  "UDP is a datagram protocol; the stream type needs TCP. Return the errno "
                  "socket() set, right after it failed");
  });
}


TEST(Socket, OpensANonblockingIPv6DatagramSocket) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectConstant(s, "DomainConstant(Domain::kInet6)", Family, AF_INET6,
                   [] { return DomainConstant(Domain::kInet6); });
    ExpectConstant(s, "KindConstant(Kind::kDatagram)", SocketType, SOCK_DGRAM,
                   [] { return KindConstant(Kind::kDatagram); });
    int fd = s.ExpectOk(LABKIT_CALL(OpenSocket, As("AF_INET6", AF_INET6),
                                    As("SOCK_DGRAM", SOCK_DGRAM), 0, As("nonblocking=true", true)));
    s.Expect("what the kernel says fd is", (SocketInfo{AF_INET6, SOCK_DGRAM, IPPROTO_UDP, true}),
             KernelView(fd),
             "nonblocking=true asks for O_NONBLOCK: or SOCK_NONBLOCK into the type, or set it "
             "with fcntl afterwards");
  });
}

TEST(Socket, DescribesTheSocketItIsGiven) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = s.Sys("socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)",
                   ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    s.Expect("DescribeSocket(fd)", KernelView(fd),
             s.ExpectOk(LABKIT_CALL(DescribeSocket, As("fd", fd))),
             "read SO_DOMAIN, SO_TYPE and SO_PROTOCOL each into its own field, and O_NONBLOCK "
             "from fcntl(F_GETFL)");
  });
}

TEST(Socket, CloseFreesTheDescriptor) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = s.Sys("socket(AF_UNIX, SOCK_STREAM, 0)", ::socket(AF_UNIX, SOCK_STREAM, 0));
    s.ExpectOk(LABKIT_CALL(CloseSocket, As("fd", fd)));
    s.Expect("fd still open afterwards", false, ::fcntl(fd, F_GETFD) != -1,
             "CloseSocket must call close(): a descriptor that is never closed leaks");
  });
}

}  // namespace
}  // namespace labkit::lab01
