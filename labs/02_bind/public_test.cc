// Lab 02 public tests: run them with `./labkit check 02`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. The grader runs these
// and more (the hidden tests) in the same style.
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/02_bind/test_support.h"

namespace labkit::lab02 {
namespace {

TEST(Bind, LoopbackWithPortZeroGetsAFreePort) {
  RunCase({.points = 2}, [](Script& s) {
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1", 0));
    uint16_t port = LocalPort(fd);
    s.ExpectTrue("the kernel picked a port", port != 0, "getsockname says " + LocalAddress(fd));
    s.Expect("getsockname(fd)", Named{"127.0.0.1:" + std::to_string(port)},
             Named{LocalAddress(fd)});
    s.Expect("BoundPort(fd)", port, s.ExpectOk(LABKIT_CALL(BoundPort, As("fd", fd))),
             "read the port with getsockname() and convert it with ntohs()");
  });
}

TEST(Bind, PutsThePortInNetworkByteOrder) {
  RunCase({.points = 2}, [](Script& s) {
    uint16_t port = harness::UnusedPort("127.0.0.1");
    s.Note("found a free port: " + std::to_string(port));
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    std::string call = "BindInet(fd, \"127.0.0.1\", " + std::to_string(port) + ")";
    s.ExpectOk(call, [&] { return BindInet(fd, "127.0.0.1", port); });
    s.Expect("getsockname(fd)", Named{"127.0.0.1:" + std::to_string(port)},
             Named{LocalAddress(fd)}, SwappedPortHint(port));
  });
}

TEST(Bind, UnixPathCreatesASocketFile) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixPath, As("fd", fd), path));
    s.Expect("a socket file exists at the path", true, IsSocketFile(path));
    s.Expect("getsockname(fd)", Named{"unix:" + path}, Named{LocalAddress(fd)});
  });
}

TEST(Bind, ReportsAnAddressAlreadyInUse) {
  RunCase({.points = 1}, [](Script& s) {
    int first = TestSocket(s, AF_INET, SOCK_STREAM);
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("127.0.0.1", 0, address);
    s.Sys("bind(first, 127.0.0.1:0)", ::bind(first, reinterpret_cast<sockaddr*>(&address), length));
    uint16_t port = LocalPort(first);
    s.Note("first is bound to " + LocalAddress(first));
    int second = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindInet, As("second", second), "127.0.0.1", port), EADDRINUSE,
                  "return the errno that bind() set");
  });
}


TEST(Bind, IPv6LoopbackWithPortZero) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_INET6, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindInet6, As("fd", fd), "::1", 0),
               "EINVAL from bind() often means a wrong address length: sizeof(sockaddr_in6)");
    uint16_t port = LocalPort(fd);
    s.Expect("getsockname(fd)", Named{"[::1]:" + std::to_string(port)}, Named{LocalAddress(fd)});
    s.Expect("BoundPort(fd)", port, s.ExpectOk(LABKIT_CALL(BoundPort, As("fd", fd))),
             "an AF_INET6 address is a sockaddr_in6: its port is sin6_port");
  });
}

TEST(Bind, AbstractNameIsTheNameAsked) {
  RunCase({.points = 1}, [](Script& s) {
    // Abstract names are shared by every process on the host: make it unique.
    std::string name = "labkit-public-" + std::to_string(harness::CaseNumber());
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixAbstract, As("fd", fd), name));
    sockaddr_un address;
    socklen_t length = UnixAddress(name, UnixName::kAbstract, address);
    s.Expect("getsockname(fd)",
             Named{"unix:@" + name + " (abstract, length " + std::to_string(length) + ")"},
             Named{LocalAddress(fd)},
             "sun_path[0] is NUL, the name follows, and the length is offsetof(sockaddr_un, "
             "sun_path) + 1 + the name's length");
  });
}

}  // namespace
}  // namespace labkit::lab02
