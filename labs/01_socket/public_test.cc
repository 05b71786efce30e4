// Lab 01 public tests: run them with `./labkit check 01`.
//
// Each case is a script of numbered steps. When one fails you see every step
// it ran, the one that failed, and what was expected against what happened.
// The grader runs these and more (the hidden tests), in the same style.
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
    int fd = s.ExpectOk("OpenSocket(AF_INET, SOCK_STREAM)",
                        [] { return OpenSocket(AF_INET, SOCK_STREAM); });
    s.Expect("what the kernel says fd is", (SocketInfo{AF_INET, SOCK_STREAM, IPPROTO_TCP}),
             KernelView(fd));
  });
}

TEST(Socket, ReportsAProtocolThatDoesNotFitTheType) {
  RunCase({.points = 1}, [](Script& s) {
    s.ExpectError("OpenSocket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", EPROTONOSUPPORT,
                  [] { return OpenSocket(AF_INET, SOCK_STREAM, IPPROTO_UDP); },
                  "UDP is a datagram protocol; the stream type needs TCP. Return the errno "
                  "socket() set, right after it failed");
  });
}

}  // namespace
}  // namespace labkit::lab01
