// Lab 02 hidden tests on AF_UNIX addresses: every kind of file at the path,
// and the exact limits of sun_path for paths and abstract names.
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/02_bind/test_support.h"

namespace labkit::lab02 {
namespace {

// The test binds a socket of its own to `path`; it listens if asked.
int TestUnixServer(Script& s, const std::string& path, bool listening) {
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
  s.Sys("bind(fd, \"" + path + "\")", ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  if (listening) s.Sys(sys::Listen(As("fd", fd), 4));
  return fd;
}

// BindUnixPath onto what is at `path` must fail with EADDRINUSE and leave it.
void ExpectLeftAlone(Script& s, const std::string& path, const std::string& kind) {
  int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
  s.ExpectError(LABKIT_CALL(BindUnixPath, As("fd", fd), path).Remark("where " + kind + " is"),
                EADDRINUSE,
                "only a socket file is yours to remove (lstat() and S_ISSOCK): leave anything "
                "else there and let bind() fail");
  s.Expect("what is at \"" + path + "\" afterwards", Named{kind}, harness::FileKind(path),
           "never unlink() or remove() a file that is not a socket file");
}

TEST(Bind, LeavesADirectoryAndAFifoAlone) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    std::string directory = dir + "/server.sock";
    s.Sys("mkdir(\"" + directory + "\", 0755), an empty directory",
          ::mkdir(directory.c_str(), 0755));
    ExpectLeftAlone(s, directory, "a directory");
    std::string fifo = dir + "/pipe.sock";
    s.Sys("mkfifo(\"" + fifo + "\", 0644)", ::mkfifo(fifo.c_str(), 0644));
    ExpectLeftAlone(s, fifo, "a fifo");
  });
}

TEST(Bind, LeavesSymbolicLinksAloneEvenToASocketFile) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int old_server = TestUnixServer(s, dir + "/real.sock", false);
    s.Sys(
        sys::Close(As("old_server", old_server)).Because("the socket file real.sock stays behind"));
    std::string link = dir + "/server.sock";
    s.Sys("symlink(\"real.sock\", \"" + link + "\")", ::symlink("real.sock", link.c_str()));
    ExpectLeftAlone(s, link, "a symbolic link to \"real.sock\"");
    s.Expect("what is at \"" + dir + "/real.sock\" afterwards", Named{"a socket file"},
             harness::FileKind(dir + "/real.sock"));
    std::string dangling = dir + "/dangling.sock";
    s.Sys("symlink(\"nowhere.sock\", \"" + dangling + "\"), a link to nothing",
          ::symlink("nowhere.sock", dangling.c_str()));
    ExpectLeftAlone(s, dangling, "a symbolic link to \"nowhere.sock\"");
    s.Expect("what is at \"" + dir + "/nowhere.sock\" afterwards", Named{"nothing"},
             harness::FileKind(dir + "/nowhere.sock"));
  });
}

TEST(Bind, ReplacesASocketFileEvenWhileAServerUsesIt) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int old_server = TestUnixServer(s, path, true);
    s.Note("old_server still listens on " + path);
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixPath, As("fd", fd), path),
               "the contract takes any socket file at the path for a stale one: lstat() says "
               "S_ISSOCK, so unlink() it, then bind()");
    s.Sys(sys::Listen(As("fd", fd), 4));
    sockaddr_un address;
    socklen_t length = UnixAddress(path, UnixName::kPath, address);
    int client = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("connect(client, \"" + path + "\")",
          ::connect(client, reinterpret_cast<sockaddr*>(&address), length));
    s.Expect("fd has the new connection waiting (poll, 1000 ms)", true,
             harness::WaitFor(fd, POLLIN, 1000), "the path should now lead to fd");
    s.Expect("old_server has a connection waiting", false, harness::WaitFor(old_server, POLLIN, 0));
  });
}

TEST(Bind, UnixPathOf107CharactersFitsAnd108DoesNot) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir() + "/";
    std::string longest = dir + std::string(107 - dir.size(), 'p');
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk("BindUnixPath(fd, \"$DIR/ppp...\", a path of 107 characters)",
               [&] { return BindUnixPath(fd, longest); },
               "107 characters and the NUL fill sun_path's 108 bytes exactly: that fits");
    s.Expect("what is at the path of 107 characters", Named{"a socket file"}, harness::FileKind(longest));
    s.Expect("getsockname(fd)", Named{"unix:" + longest}, Named{LocalAddress(fd)});
    std::string too_long = longest + "q";
    int other = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindUnixPath, As("other", other),
                              As("the same path and \"q\": 108 characters", too_long)),
                  ENAMETOOLONG, "108 characters leave no room for the NUL in sun_path");
    s.Expect("what is at the path of 108 characters", Named{"nothing"}, harness::FileKind(too_long));
  });
}

// An abstract name of `size` characters that no other process uses.
std::string AbstractName(size_t size) {
  std::string name = "labkit-" + std::to_string(harness::CaseNumber()) + "-";
  return name + std::string(size - name.size(), 'n');
}

TEST(Bind, AbstractNameOf107CharactersFitsAnd108DoesNot) {
  RunCase({.points = 2}, [](Script& s) {
    std::string longest = AbstractName(107);
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(
        LABKIT_CALL(BindUnixAbstract, As("fd", fd), longest).Remark("a name of 107 characters"),
        "the leading NUL and 107 characters fill sun_path's 108 bytes exactly: that fits");
    sockaddr_un address;
    socklen_t length = UnixAddress(longest, UnixName::kAbstract, address);
    s.Expect("getsockname(fd)",
             Named{"unix:@" + longest + " (abstract, length " + std::to_string(length) + ")"},
             Named{LocalAddress(fd)});
    int other = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectError(LABKIT_CALL(BindUnixAbstract, As("other", other),
                              As("a name of 108 characters", AbstractName(108))),
                  ENAMETOOLONG,
                  "with the leading NUL, 108 characters need 109 bytes: more than sun_path has");
  });
}

TEST(Bind, ReportsAnAbstractNameInUse) {
  RunCase({.points = 1}, [](Script& s) {
    std::string name = AbstractName(30);
    sockaddr_un address;
    socklen_t length = UnixAddress(name, UnixName::kAbstract, address);
    int first = TestSocket(s, AF_UNIX, SOCK_DGRAM);
    s.Sys("bind(first, @" + name + ")", ::bind(first, reinterpret_cast<sockaddr*>(&address), length));
    int fd = TestSocket(s, AF_UNIX, SOCK_DGRAM);
    s.ExpectError(LABKIT_CALL(BindUnixAbstract, As("fd", fd), name), EADDRINUSE,
                  "return the errno bind() set");
  });
}


TEST(Bind, AbstractNameKeepsEveryByteEvenANul) {
  RunCase({.points = 1}, [](Script& s) {
    std::string name = std::string("labkit\0", 7) + AbstractName(20);
    std::string shown = harness::EscapeBytes(name);
    int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.ExpectOk(LABKIT_CALL(BindUnixAbstract, As("fd", fd), As(shown, name))
                   .Remark("a name with a NUL byte inside"));
    sockaddr_un address;
    socklen_t length = UnixAddress(name, UnixName::kAbstract, address);
    s.Expect("getsockname(fd)",
             Named{harness::EscapeBytes(
                 harness::FormatSockaddr(reinterpret_cast<sockaddr*>(&address), length))},
             Named{harness::EscapeBytes(LocalAddress(fd))},
             "an abstract name is bytes, not a C string: copy it with memcpy and its size(), "
             "never strcpy or strncpy, which stop at the first NUL");
    s.Sys(sys::Listen(As("fd", fd), 1));
    int client = TestSocket(s, AF_UNIX, SOCK_STREAM);
    s.Sys("connect(client, @" + shown + ")",
          ::connect(client, reinterpret_cast<sockaddr*>(&address), length));
  });
}

}  // namespace
}  // namespace labkit::lab02
