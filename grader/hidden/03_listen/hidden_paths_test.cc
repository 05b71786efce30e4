// Lab 03 hidden tests on ListenUnix's path: every kind of file at it, and
// the exact limit of sun_path.
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/03_listen/test_support.h"

namespace labkit::lab03 {
namespace {

// The test's own AF_UNIX socket bound to `path`; it listens if asked.
int TestUnixServer(Script& s, const std::string& path, bool listening) {
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  int fd = TestSocket(s, AF_UNIX, SOCK_STREAM, kBoundedWaits);
  s.Sys("bind(fd, \"" + path + "\")", ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  if (listening) s.Sys(sys::Listen(As("fd", fd), 4));
  return fd;
}

// ListenUnix onto what is at `path` must fail with EADDRINUSE, leave it as
// it was and leave no descriptor open.
void ExpectLeftAlone(Script& s, const std::string& path, const std::string& kind) {
  int before = CountOpenFds();
  s.ExpectError(LABKIT_CALL(ListenUnix, path, 4).Remark("where " + kind + " is"), EADDRINUSE,
                "only a socket file is yours to remove (lstat() and S_ISSOCK): leave anything "
                "else there and let bind() fail");
  s.Expect("what is at \"" + path + "\" afterwards", Named{kind}, harness::FileKind(path),
           "never unlink() or remove() a file that is not a socket file");
  s.Expect("descriptors open after the failed call", before, CountOpenFds(),
           "when bind() fails, read errno, then close() the socket you created");
}

TEST(Listen, UnixLeavesDirectoriesFifosAndSymbolicLinksAlone) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    s.Sys("mkdir(\"" + dir + "/server.sock\", 0755), an empty directory",
          ::mkdir((dir + "/server.sock").c_str(), 0755));
    ExpectLeftAlone(s, dir + "/server.sock", "a directory");
    s.Sys("mkfifo(\"" + dir + "/pipe.sock\", 0644)", ::mkfifo((dir + "/pipe.sock").c_str(), 0644));
    ExpectLeftAlone(s, dir + "/pipe.sock", "a fifo");
    int old_server = TestUnixServer(s, dir + "/real.sock", false);
    s.Sys(
        sys::Close(As("old_server", old_server)).Because("the socket file real.sock stays behind"));
    s.Sys("symlink(\"real.sock\", \"" + dir + "/link.sock\")",
          ::symlink("real.sock", (dir + "/link.sock").c_str()));
    ExpectLeftAlone(s, dir + "/link.sock", "a symbolic link to \"real.sock\"");
    s.Expect("what is at \"" + dir + "/real.sock\" afterwards", Named{"a socket file"},
             harness::FileKind(dir + "/real.sock"));
    s.Sys("symlink(\"nowhere.sock\", \"" + dir + "/dangling.sock\"), a link to nothing",
          ::symlink("nowhere.sock", (dir + "/dangling.sock").c_str()));
    ExpectLeftAlone(s, dir + "/dangling.sock", "a symbolic link to \"nowhere.sock\"");
  });
}

TEST(Listen, UnixReplacesASocketFileEvenWhileAServerUsesIt) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int old_server = TestUnixServer(s, path, true);
    s.Note("old_server still listens on " + path);
    int server = s.ExpectOk(LABKIT_CALL(ListenUnix, path, 4),
                            "the contract takes any socket file at the path for a stale one: "
                            "lstat() says S_ISSOCK, so unlink() it, then bind()");
    ExpectConnectUnix(s, path, "the path should now lead to the new server");
    s.Expect("server has the new connection waiting (poll, 1000 ms)", true,
             harness::WaitFor(server, POLLIN, kWaitMs));
    s.Expect("old_server has a connection waiting", false, harness::WaitFor(old_server, POLLIN, 0));
  });
}

TEST(Listen, UnixPathOf107CharactersFitsAnd108DoesNot) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir() + "/";
    std::string longest = dir + std::string(107 - dir.size(), 'p');
    int server = s.ExpectOk("ListenUnix(\"$DIR/ppp...\", a path of 107 characters, 4)",
                            [&] { return ListenUnix(longest, 4); },
                            "107 characters and the NUL fill sun_path's 108 bytes exactly: that "
                            "fits");
    s.Expect("getsockname(server)", Named{"unix:" + longest}, Named{LocalAddress(server)});
    ExpectListening(s, server, "server");
    ExpectConnectUnix(s, longest, "a client can connect once listen() has been called");
    int before = CountOpenFds();
    std::string too_long = longest + "q";
    s.ExpectError(
        LABKIT_CALL(ListenUnix, As("the same path and \"q\": 108 characters", too_long), 4),
        ENAMETOOLONG, "108 characters leave no room for the NUL in sun_path");
    s.Expect("what is at the path of 108 characters", Named{"nothing"}, harness::FileKind(too_long));
    s.Expect("descriptors open after the failed call", before, CountOpenFds());
  });
}

}  // namespace
}  // namespace labkit::lab03
