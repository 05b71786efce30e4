// Lab 01 hidden tests at the edges of the contract: descriptor 0, negative
// numbers, no descriptor left, and errors with `nonblocking` asked for.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/01_socket/test_support.h"

namespace labkit::lab01 {
namespace {

// Whether `fd` is an open descriptor of this process (and so of the code
// under test, which shares the table).
bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

TEST(Socket, DescriptorZeroIsADescriptorLikeAnyOther) {
  RunCase({.points = 2}, [](Script& s) {
    s.Sys(
        sys::Close(As("0", 0)).Because("stdin is closed, so 0 is now the lowest free descriptor"));
    int fd =
        s.ExpectOk(LABKIT_CALL(OpenSocket, As("AF_UNIX", AF_UNIX), As("SOCK_DGRAM", SOCK_DGRAM)),
                   "socket() returned 0, a valid descriptor: only -1 means it failed");
    s.Expect("the descriptor returned", 0, fd,
             "socket() returns the lowest free descriptor, here 0: return exactly that");
    s.Expect("what the kernel says descriptor 0 is", (SocketInfo{AF_UNIX, SOCK_DGRAM, 0}),
             KernelView(0));
    s.Expect("DescribeSocket(0)", KernelView(0),
             s.ExpectOk(LABKIT_CALL(DescribeSocket, 0),
                        "descriptor 0 is open and is a socket: ask the kernel, do not guess"));
    s.ExpectOk(LABKIT_CALL(CloseSocket, 0), "0 is a descriptor like any other: close() it");
    s.Expect("descriptor 0 still open afterwards", false, IsOpen(0),
             "CloseSocket must release the number it was given, 0 included");
  });
}

TEST(Socket, NegativeDescriptorsAreNotOpen) {
  RunCase({.points = 1}, [](Script& s) {
    s.ExpectError(LABKIT_CALL(DescribeSocket, -1), EBADF,
                  "-1 is not an open descriptor: pass on the errno getsockopt() set");
    s.ExpectError(LABKIT_CALL(CloseSocket, -1), EBADF,
                  "closing -1 is an error, not a success: return the errno close() set");
  });
}

TEST(Socket, NonblockingRequestsReportTheSameErrors) {
  RunCase({.points = 1}, [](Script& s) {
    int before = CountOpenFds();
    s.Note("descriptors open: " + std::to_string(before));
    const char* hint = "when socket() fails there is no descriptor to make non-blocking: return "
                       "its errno at once, before any fcntl()";
    s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET", AF_INET), As("SOCK_STREAM", SOCK_STREAM),
                              As("IPPROTO_UDP", IPPROTO_UDP), As("nonblocking=true", true)),
                  EPROTONOSUPPORT, hint);
    s.ExpectError(LABKIT_CALL(OpenSocket, 4242, As("SOCK_DGRAM", SOCK_DGRAM), 0,
                              As("nonblocking=true", true)),
                  EAFNOSUPPORT, hint);
    s.ExpectError(
        LABKIT_CALL(OpenSocket, As("AF_UNIX", AF_UNIX), 999, 0, As("nonblocking=true", true)),
        EINVAL, hint);
    s.Expect("descriptors open afterwards", before, CountOpenFds(),
             "a failed call must not leave anything open");
  });
}

TEST(Socket, ReportsThatNoDescriptorIsFree) {
  RunCase({.points = 1}, [](Script& s) {
    const rlimit saved = harness::NoDescriptorFree(s);
    const char* hint = "socket() set errno to EMFILE: return that errno, whatever it is";
    s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET", AF_INET), As("SOCK_STREAM", SOCK_STREAM)),
                  EMFILE, hint);
    s.ExpectError(LABKIT_CALL(OpenSocket, As("AF_INET6", AF_INET6), As("SOCK_DGRAM", SOCK_DGRAM), 0,
                              As("nonblocking=true", true)),
                  EMFILE, hint);
    harness::PutBackDescriptorLimit(s, saved);
  });
}

}  // namespace
}  // namespace labkit::lab01
