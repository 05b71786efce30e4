// The harness judged by its own tests: each misbehaviour a student's code
// can show must turn into the right verdict and a reason that names it.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/harness/interrupt.h"
#include "grader/harness/loopback.h"

namespace labkit::harness {
namespace {

labkit::SysResult<int> Succeeds() { return labkit::SysResult<int>::Ok(7); }
labkit::SysResult<int> FailsWith(int e) { return labkit::SysResult<int>::Error(e); }

TEST(CaseRunner, PassingCaseRecordsEveryStep) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.Note("the test sets up");
    int value = s.ExpectOk("Succeeds()", [] { return Succeeds(); });
    s.Expect("value", 7, value);
  });
  EXPECT_TRUE(outcome.passed()) << outcome.Report();
  ASSERT_EQ(outcome.steps.size(), 3u);
  EXPECT_EQ(outcome.steps[1], "2. Succeeds() -> ok: 7");
  EXPECT_EQ(outcome.steps[2], "3. check value: 7");
}

TEST(CaseRunner, FailedExpectationShowsExpectedActualAndHint) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.ExpectError("FailsWith(EINVAL)", EADDRINUSE, [] { return FailsWith(EINVAL); },
                  "report the errno of bind");
    s.Note("never reached");
  });
  EXPECT_EQ(outcome.verdict, Verdict::kFailed);
  ASSERT_TRUE(outcome.failed.has_value());
  EXPECT_EQ(outcome.failed->expected, "error EADDRINUSE (Address already in use)");
  EXPECT_EQ(outcome.failed->actual, "error EINVAL (Invalid argument)");
  EXPECT_EQ(outcome.steps.size(), 1u);
  std::string report = outcome.Report();
  EXPECT_NE(report.find("hint:     report the errno of bind"), std::string::npos) << report;
}

TEST(CaseRunner, HangIsCutOffAndNamesTheStep) {
  CaseOutcome outcome = RunIsolated({.timeout_ms = 200}, [](Script& s) {
    s.Call("Hangs()", [] { ::pause(); return Succeeds(); });
  });
  EXPECT_EQ(outcome.verdict, Verdict::kTimedOut);
  EXPECT_EQ(outcome.reason, "timed out after 200 ms during step 1. Hangs()");
}

TEST(CaseRunner, CrashNamesSignalAndStep) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.Call("Crashes()", [] { ::raise(SIGSEGV); return Succeeds(); });
  });
  EXPECT_EQ(outcome.verdict, Verdict::kCrashed);
  EXPECT_EQ(outcome.reason,
            "killed by SIGSEGV (Segmentation fault) during step 1. Crashes()");
}

TEST(CaseRunner, ExitZeroBeforeTheEndIsNotAPass) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.Call("Exits()", [] { std::exit(0); return Succeeds(); });
  });
  EXPECT_EQ(outcome.verdict, Verdict::kExitedEarly);
  EXPECT_EQ(outcome.reason, "exited with status 0 before the case finished during step 1. Exits()");
}

TEST(CaseRunner, UncaughtExceptionFailsTheCaseWithItsMessage) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    s.Call("Throws()", []() -> labkit::SysResult<int> { throw std::out_of_range("stoi"); });
  });
  EXPECT_EQ(outcome.verdict, Verdict::kFailed);
  ASSERT_TRUE(outcome.failed.has_value());
  EXPECT_EQ(outcome.failed->actual, "stoi");
}

TEST(CaseRunner, FakeOutputAndFakeRecordsEarnNothing) {
  CaseOutcome outcome = RunIsolated({}, [](Script&) {
    std::printf("[       OK ] Everything.Passes (0 ms)\nP\x1f" "0000\n");
    for (int fd = 3; fd < 64; ++fd) (void)!::write(fd, "P\x1f" "guess\n", 8);
    std::fflush(nullptr);
    ::_exit(0);
  });
  EXPECT_EQ(outcome.verdict, Verdict::kExitedEarly);
  EXPECT_NE(outcome.output.find("Everything.Passes"), std::string::npos);
}

TEST(CaseRunner, OutputFloodIsCapped) {
  CaseOutcome outcome = RunIsolated({}, [](Script&) {
    std::string line(1000, 'x');
    for (int i = 0; i < 1000; ++i) std::puts(line.c_str());
  });
  EXPECT_TRUE(outcome.passed());
  EXPECT_EQ(outcome.output_bytes, 1001u * 1000u);
  EXPECT_LT(outcome.output.size(), 20000u);
}

TEST(CaseRunner, ForkedChildrenDoNotOutliveTheCase) {
  int alive[2];
  ASSERT_EQ(::pipe(alive), 0);
  CaseOutcome outcome = RunIsolated({}, [&](Script&) {
    if (::fork() == 0) {  // a daemon holding the pipe's write end open
      ::close(alive[0]);
      for (;;) ::pause();
    }
  });
  ::close(alive[1]);
  EXPECT_TRUE(outcome.passed());
  // The pipe reaches end of file only when every writer has died.
  EXPECT_TRUE(WaitFor(alive[0], POLLIN, 2000));
  char byte;
  EXPECT_EQ(::read(alive[0], &byte, 1), 0);
  ::close(alive[0]);
}

TEST(CaseRunner, TempDirsAreFreshShownAsTmpAndRemoved) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    std::string first = MakeTempDir(), second = MakeTempDir();
    s.Note("made " + first + " and " + second);
    s.Expect("the case directory exists", true, ::access(first.c_str(), W_OK) == 0);
    // Reversed, so the runner's $TMP substitution leaves it for the check below.
    std::string dir = std::getenv("LABKIT_CASE_DIR");
    std::printf("%s", std::string(dir.rbegin(), dir.rend()).c_str());
  });
  EXPECT_TRUE(outcome.passed()) << outcome.Report();
  ASSERT_FALSE(outcome.steps.empty());
  EXPECT_EQ(outcome.steps[0], "1. made $TMP/d1 and $TMP/d2");
  std::string case_dir(outcome.output.rbegin(), outcome.output.rend());
  EXPECT_EQ(case_dir.rfind("/tmp/labkit-case.", 0), 0u) << case_dir;
  EXPECT_NE(::access(case_dir.c_str(), F_OK), 0) << case_dir << " was not removed";
}

TEST(Show, EscapesBytesWithLength) {
  EXPECT_EQ(EscapeBytes(std::string("a\n\0\xff", 4)), "\"a\\n\\x00\\xff\" (4 bytes)");
  EXPECT_EQ(EscapeBytes("x"), "\"x\" (1 byte)");
}

TEST(Show, ShowsACharAsOneEscapedByte) {
  EXPECT_EQ(Show('c'), "'c'");
  EXPECT_EQ(Show('\n'), "'\\n'");
  EXPECT_EQ(Show('\''), "'\\''");
  EXPECT_EQ(Show('"'), "'\"'");
  EXPECT_EQ(Show('\0'), "'\\x00'");
  EXPECT_EQ(Show(labkit::SysResult<char>::Ok('c')), "ok: 'c'");
  EXPECT_EQ(Show(-5LL), "-5");
  EXPECT_EQ(Show(size_t{7}), "7");
}

TEST(Show, NamesErrno) {
  EXPECT_EQ(ErrnoName(ENOENT), "ENOENT (No such file or directory)");
  EXPECT_EQ(Show(FailsWith(EACCES)), "error EACCES (Permission denied)");
}

TEST(Show, NamesSocketTypesWithTheirFlags) {
  EXPECT_EQ(SocketTypeName(SOCK_DGRAM), "SOCK_DGRAM");
  EXPECT_EQ(SocketTypeName(SOCK_DGRAM | SOCK_NONBLOCK), "SOCK_DGRAM|SOCK_NONBLOCK");
  EXPECT_EQ(SocketTypeName(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC),
            "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
  EXPECT_EQ(SocketTypeName(999), "type 999");
}

TEST(Show, FormatsAddresses) {
  sockaddr_storage address;
  socklen_t length = MakeInetAddress("::1", 8080, address);
  EXPECT_EQ(FormatSockaddr(reinterpret_cast<sockaddr*>(&address), length), "[::1]:8080");
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::memcpy(un.sun_path, "\0kit", 4);
  EXPECT_EQ(FormatSockaddr(reinterpret_cast<sockaddr*>(&un), offsetof(sockaddr_un, sun_path) + 4),
            "unix:@kit (abstract, length 6)");
}

TEST(Loopback, UnusedPortRefusesConnections) {
  uint16_t port = UnusedPort("127.0.0.1");
  sockaddr_storage address;
  socklen_t length = MakeInetAddress("127.0.0.1", port, address);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), length), -1);
  EXPECT_EQ(errno, ECONNREFUSED);
  ::close(fd);
}

TEST(Loopback, PeerAddressIsTheOtherEndOrSaysWhyNot) {
  sockaddr_storage address;
  socklen_t length = MakeInetAddress("127.0.0.1", 0, address);
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  EXPECT_EQ(PeerAddress(client),
            "(getpeername failed: ENOTCONN (Transport endpoint is not connected))");
  length = MakeInetAddress("127.0.0.1", LocalPort(listener), address);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&address), length), 0);
  EXPECT_EQ(PeerAddress(client), LocalAddress(listener));
  ::close(client);
  ::close(listener);
}

TEST(Loopback, ReadinessPipeWaitsWithABound) {
  ReadinessPipe ready;
  EXPECT_FALSE(ready.Wait(10));
  ready.Signal();
  EXPECT_TRUE(ready.Wait(1000));
}

TEST(Interrupt, SpinUntilStopsAtItsBoundOrWhenToldTo) {
  EXPECT_TRUE(SpinUntil([] { return true; }, 0));
  EXPECT_FALSE(SpinUntil([] { return false; }, 5));
  std::atomic<bool> give_up{true};
  EXPECT_FALSE(SpinUntil([] { return false; }, 60 * 1000, &give_up));
}

// A thread blocked in read() on an empty pipe is seen asleep there, is
// interrupted, and its read() fails with EINTR instead of being restarted.
TEST(Interrupt, InterruptsAThreadBlockedInACall) {
  CaseOutcome outcome = RunIsolated({}, [](Script& s) {
    InstallInterruptHandler(s);
    int fds[2];
    s.Sys("pipe(fds)", ::pipe(fds));
    const pid_t me = ThisThread();
    Interruption result = Interruption::kNeverBlocked;
    bool seen_on_other_fd = true, seen_in_other_call = true;
    std::thread watcher([&] {
      auto asleep = [&] { return SleepsIn(me, {SYS_read}, fds[0]); };
      if (SpinUntil(asleep, 1000)) {
        seen_on_other_fd = SleepsIn(me, {SYS_read}, fds[1]);
        seen_in_other_call = SleepsIn(me, {SYS_write});
      }
      result = Interrupt(me, asleep, 1000);
    });
    char byte;
    long n = ::read(fds[0], &byte, 1);
    const int error = errno;
    watcher.join();
    s.Expect("Interrupt's result", static_cast<int>(Interruption::kDone), static_cast<int>(result));
    s.Expect("read()", Errno(EINTR), Errno(n < 0 ? error : 0));
    s.Expect("handler runs", 1, InterruptsHandled());
    s.Expect("Interrupt on a thread that never blocks",
             static_cast<int>(Interruption::kNeverBlocked),
             static_cast<int>(Interrupt(me, [] { return false; }, 5)));
    s.Expect("asleep on another fd", false, seen_on_other_fd);
    s.Expect("asleep in another call", false, seen_in_other_call);
  });
  EXPECT_TRUE(outcome.passed()) << outcome.Report();
}

}  // namespace
}  // namespace labkit::harness
