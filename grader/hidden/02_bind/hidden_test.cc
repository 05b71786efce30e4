// Lab 02 hidden tests: graded together with the public ones.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/02_bind/test_support.h"

namespace labkit::lab02 {
namespace {

// Binds a socket of the test's own to ip:0 and returns it.
int BoundTestSocket(Script& s, const std::string& ip) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, 0, address);
  int fd = TestSocket(s, address.ss_family, SOCK_STREAM);
  s.Sys("bind(fd, " + ip + " port 0)", ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  return fd;
}

TEST(Bind, BoundPortReadsBackIPv4AndIPv6) {
  RunCase({.points = 2}, [](Script& s) {
    int v4 = BoundTestSocket(s, "127.0.0.1");
    s.Expect("BoundPort(v4)", LocalPort(v4), s.ExpectOk(LABKIT_CALL(BoundPort, As("v4", v4))));
    int v6 = BoundTestSocket(s, "::1");
    s.Expect("BoundPort(v6)", LocalPort(v6), s.ExpectOk(LABKIT_CALL(BoundPort, As("v6", v6))),
             "an AF_INET6 address is a sockaddr_in6: its port is sin6_port");
    int unbound = TestSocket(s, AF_INET, SOCK_DGRAM);
    s.Expect("BoundPort(unbound)", uint16_t{0},
             s.ExpectOk(LABKIT_CALL(BoundPort, As("unbound", unbound))));
  });
}

TEST(Bind, IPv6LoopbackWithAChosenPort) {
  RunCase({.points = 2}, [](Script& s) {
    uint16_t port = harness::UnusedPort("::1");
    s.Note("found a free port: " + std::to_string(port));
    int fd = TestSocket(s, AF_INET6, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindInet6, As("fd", fd), "::1", port),
               "EINVAL from bind() often means a wrong address length: sizeof(sockaddr_in6)");
    s.Expect("getsockname(fd)", Named{"[::1]:" + std::to_string(port)}, Named{LocalAddress(fd)},
             SwappedPortHint(port));
  });
}

TEST(Bind, IPv6AnyAddress) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_INET6, SOCK_DGRAM);
    s.ExpectOk(LABKIT_CALL(BindInet6, As("fd", fd), "::", 0));
    s.Expect("getsockname(fd)", Named{"[::]:" + std::to_string(LocalPort(fd))},
             Named{LocalAddress(fd)});
  });
}

TEST(Bind, BindsExactlyTheAddressAsked) {
  RunCase({.points = 2}, [](Script& s) {
    int other = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindInet, As("other", other), "127.0.0.2", 0));
    s.Expect("getsockname(other)", Named{"127.0.0.2:" + std::to_string(LocalPort(other))},
             Named{LocalAddress(other)},
             "parse the address with inet_pton(); 127.0.0.2 is a loopback address of its own");
    int any = TestSocket(s, AF_INET, SOCK_DGRAM);
    s.ExpectOk(LABKIT_CALL(BindInet, As("any", any), "0.0.0.0", 0));
    s.Expect("getsockname(any)", Named{"0.0.0.0:" + std::to_string(LocalPort(any))},
             Named{LocalAddress(any)});
  });
}

TEST(Bind, RejectsWhatIsNotANumericIPv4Address) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    for (const char* ip : {"300.1.2.3", "localhost", "::1", ""}) {
      s.ExpectError(LABKIT_CALL(BindInet, As("fd", fd), ip, 0), EINVAL,
                    "inet_pton() returns 1 only for a valid address: check it");
    }
    s.Expect("the port fd is bound to", uint16_t{0}, LocalPort(fd),
             "an address that does not parse must not be bound");
  });
}

TEST(Bind, ReportsAnAddressNotOnThisHost) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindInet, As("fd", fd), "192.0.2.1", 0), EADDRNOTAVAIL);
  });
}

TEST(Bind, ReportsPermissionDeniedToAnUnprivilegedUser) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir() + "/locked";
    s.Sys("mkdir(\"" + dir + "\", 0555)", ::mkdir(dir.c_str(), 0555));
    harness::DropPrivileges();
    s.Note("the test now runs as an unprivileged user");
    int local = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindUnixPath, As("local", local),
                              As("\"" + dir + "/server.sock\"", dir + "/server.sock")),
                  EACCES);
    int start = 1024;
    const char* start_file = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
    std::istringstream(harness::ReadFile(start_file)) >> start;
    if (start <= 1) return s.Note("every port is unprivileged on this host; no port check");
    uint16_t port = static_cast<uint16_t>(start - 1);
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1", port), EACCES,
                  "ports below " + std::to_string(start) + " need privileges");
  });
}

TEST(Bind, ReportsAPortTakenByTheAnyAddress) {
  RunCase({.points = 1}, [](Script& s) {
    int any = BoundTestSocket(s, "0.0.0.0");
    uint16_t port = LocalPort(any);
    int fd = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1", port), EADDRINUSE);
    s.ExpectOk(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1", 0));
    s.ExpectError("BindInet(fd, \"127.0.0.1\", 0) again", EINVAL,
                  [&] { return BindInet(fd, "127.0.0.1", 0); },
                  "a socket that is bound already cannot be bound again: bind() says EINVAL");
  });
}

TEST(Bind, ReplacesAStaleSocketFile) {
  RunCase({.points = 2}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    sockaddr_un address;
    socklen_t length = UnixAddress(path, UnixName::kPath, address);
    int old_server = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("bind(old_server, \"" + path + "\")",
          ::bind(old_server, reinterpret_cast<sockaddr*>(&address), length));
    s.Sys(sys::Close(As("old_server", old_server)).Because("its socket file stays behind"));
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixPath, As("fd", fd), path),
               "remove a stale socket file (lstat + S_ISSOCK, then unlink) before bind()");
    s.Sys(sys::Listen(As("fd", fd), 1));
    int client = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("connect(client, \"" + path + "\")",
          ::connect(client, reinterpret_cast<sockaddr*>(&address), length));
  });
}

TEST(Bind, LeavesAFileThatIsNotASocketAlone) {
  RunCase({.points = 2}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/notes.txt";
    std::ofstream(path) << "keep me";
    s.Note("wrote \"keep me\" to " + path);
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindUnixPath, As("fd", fd), path), EADDRINUSE,
                  "unlink only a socket file: check the file type with lstat() first");
    s.Expect("the file's contents", std::string("keep me"), harness::ReadFile(path));
  });
}

TEST(Bind, ReportsAMissingDirectory) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/missing/server.sock";
    int fd = TestSocket(s, AF_UNIX, SOCK_DGRAM);
    s.ExpectError(LABKIT_CALL(BindUnixPath, As("fd", fd), path), ENOENT);
  });
}

TEST(Bind, RejectsAPathLongerThanSunPath) {
  RunCase({.points = 1}, [](Script& s) {
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    for (size_t size : {sizeof(sockaddr_un::sun_path), size_t{300}}) {
      std::string path = "/tmp/" + std::string(size - 5, 'x');
      s.ExpectError(LABKIT_CALL(BindUnixPath, As("fd", fd),
                                As("a path of " + std::to_string(size) + " characters", path)),
                    ENAMETOOLONG,
                    "the contract allows 107 characters: a path and its NUL must fit in sun_path");
    }
    int abstract = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindUnixAbstract, As("abstract", abstract),
                              As("a name of 200 characters", std::string(200, 'n'))),
                  ENAMETOOLONG);
  });
}

TEST(Bind, AbstractNameIsExactAndMakesNoFile) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    // Abstract names are shared by every process on the host: make it unique.
    std::string name = "labkit-test-" + std::to_string(harness::CaseNumber());
    s.Sys("chdir(\"" + dir + "\")", ::chdir(dir.c_str()));
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixAbstract, As("fd", fd), name));
    sockaddr_un address;
    socklen_t length = UnixAddress(name, UnixName::kAbstract, address);
    s.Expect("getsockname(fd)",
             Named{"unix:@" + name + " (abstract, length " + std::to_string(length) + ")"},
             Named{LocalAddress(fd)},
             "the address length is offsetof(sockaddr_un, sun_path) + 1 + the name's length");
    s.Expect("a file named like the socket", false, ::access(name.c_str(), F_OK) == 0);
    s.Sys(sys::Listen(As("fd", fd), 1));
    int client = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("connect(client, @" + name + ")",
          ::connect(client, reinterpret_cast<sockaddr*>(&address), length));
  });
}

}  // namespace
}  // namespace labkit::lab02
