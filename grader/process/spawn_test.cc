// Spawn: capture, limits, time limit over the whole process group, start
// failures (a missing program, a failed fork), EINTR and descriptor leaks.
#include "grader/process/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace labkit::process {
namespace {

using std::chrono::steady_clock;

SpawnOptions Captured() {
  SpawnOptions options;
  options.out = Output::kCapture;
  options.err = Output::kCapture;
  return options;
}

// True once `pid` has exited (or is gone), waiting at most `ms`.
bool ExitsWithin(pid_t pid, int ms) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return errno == ESRCH;
  pollfd exited{pidfd, POLLIN, 0};
  const bool done = ::poll(&exited, 1, ms) == 1;
  ::close(pidfd);
  return done;
}

TEST(Spawn, CapturesStdoutStderrAndTheExitCode) {
  SpawnResult result = Spawn({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, Captured());
  ASSERT_TRUE(result.started) << result.error;
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "err\n");
  EXPECT_FALSE(result.timed_out);
  EXPECT_FALSE(result.truncated);
}

TEST(Spawn, StderrCanJoinStdoutInTheOrderWritten) {
  SpawnOptions options;
  options.out = Output::kCapture;
  options.err = Output::kWithStdout;
  SpawnResult result = Spawn({"/bin/sh", "-c", "echo 1; echo 2 >&2; echo 3"}, options);
  EXPECT_EQ(result.out, "1\n2\n3\n");
  EXPECT_EQ(result.err, "");
}

TEST(Spawn, DiscardsWhatIsAskedAndCapturesDescriptorThree) {
  SpawnOptions options = Captured();
  options.err = Output::kDiscard;
  options.capture_fd3 = true;
  SpawnResult result = Spawn({"/bin/sh", "-c", "echo out; echo err >&2; echo report >&3"}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "out\n");
  EXPECT_EQ(result.err, "");
  EXPECT_EQ(result.fd3, "report\n");
}

TEST(Spawn, RunsInTheFolderAndEnvironmentAsked) {
  SpawnOptions options = Captured();
  options.cwd = "/";
  options.env = {"LABKIT_SPAWN_TEST=x=1", "HOME=/nowhere"};
  SpawnResult result = Spawn({"sh", "-c", "pwd; echo \"$LABKIT_SPAWN_TEST $HOME\""}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "/\nx=1 /nowhere\n");
}

TEST(Spawn, KeepsOnlyTheLimitYetReadsEverything) {
  // 8 MB through a 4 KB limit: the program must still finish (it would
  // block on a full pipe if the rest were not read), and only 4 KB is kept.
  SpawnOptions options = Captured();
  options.capture_limit = 4096;
  options.timeout_ms = 60'000;  // a bound should the reading stop
  SpawnResult result = Spawn({"head", "-c", "8000000", "/dev/zero"}, options);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.size(), 4096u);
  EXPECT_TRUE(result.truncated);
}

TEST(Spawn, KillsTheProgramAndItsGroupAtTheTimeLimit) {
  SpawnOptions options = Captured();
  options.timeout_ms = 300;
  const auto start = steady_clock::now();
  SpawnResult result = Spawn({"/bin/sh", "-c", "sleep 60 & echo $!; wait"}, options);
  const auto took = steady_clock::now() - start;
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + SIGKILL);
  EXPECT_LT(took, std::chrono::seconds(20));
  const pid_t background = std::stoi(result.out);  // the shell said it before the limit
  EXPECT_TRUE(ExitsWithin(background, 10'000)) << "the group's other process outlived the limit";
}

TEST(Spawn, ReturnsWhenTheProgramExitsThoughADaemonHoldsItsOutput) {
  SpawnResult result = Spawn({"/bin/sh", "-c", "sleep 60 & echo $!"}, Captured());
  EXPECT_EQ(result.exit_code, 0);
  const pid_t daemon = std::stoi(result.out);
  EXPECT_EQ(::kill(daemon, SIGKILL), 0) << "the daemon should still run: it was not in a group";
}

TEST(Spawn, HandsOverEachLineWhileItRunsAndKeepsTheOutput) {
  SpawnOptions options;
  options.out = Output::kCapture;
  options.err = Output::kWithStdout;
  std::vector<std::string> lines;
  options.on_line = [&lines](const std::string& line) { lines.push_back(line); };
  SpawnResult result = Spawn({"/bin/sh", "-c", "echo one; echo two >&2; printf three"}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(result.out, "one\ntwo\nthree");
}

TEST(Spawn, SaysWhenAProgramCannotStart) {
  SpawnResult missing = Spawn({"/nonexistent/labkit-program"}, Captured());
  EXPECT_FALSE(missing.started);
  EXPECT_EQ(missing.error, "cannot run /nonexistent/labkit-program: No such file or directory");
  SpawnOptions elsewhere = Captured();
  elsewhere.cwd = "/nonexistent-folder";
  SpawnResult bad_folder = Spawn({"/bin/true"}, elsewhere);
  EXPECT_FALSE(bad_folder.started);
  EXPECT_NE(bad_folder.error.find("cannot run /bin/true"), std::string::npos);
  EXPECT_FALSE(Spawn({}, Captured()).started);
}

TEST(Spawn, SaysWhenForkFails) {
  // In a child of ours, as a user allowed no processes at all: the fork
  // inside Spawn must fail, and say so rather than crash or run nothing.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::getuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(3);
    const rlimit none{0, 0};
    if (::setrlimit(RLIMIT_NPROC, &none) != 0) ::_exit(4);
    SpawnOptions options = Captured();
    options.timeout_ms = 10'000;
    SpawnResult result = Spawn({"/bin/true"}, options);
    const bool said = !result.started && result.error.find("cannot run /bin/true: Resource "
                                                           "temporarily unavailable") == 0;
    ::_exit(result.started ? 1 : said ? 0 : 2);
  }
  ASSERT_TRUE(ExitsWithin(child, 20'000));
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the fork succeeded; 2: another error; 3, 4: setup";
}

std::atomic<int> g_alarms{0};
void CountAlarm(int) { ++g_alarms; }

TEST(Spawn, CarriesOnThroughSignalsThatInterruptItsWaits) {
  // A timer every millisecond, its handler installed without SA_RESTART:
  // poll, read and waitpid keep failing with EINTR while the program writes
  // more than a pipe holds (so reading must go on) and then waits.
  struct sigaction count{}, old{};
  count.sa_handler = CountAlarm;
  ASSERT_EQ(::sigaction(SIGALRM, &count, &old), 0);
  const itimerval every_ms{{0, 1000}, {0, 1000}}, off{};
  ASSERT_EQ(::setitimer(ITIMER_REAL, &every_ms, nullptr), 0);
  SpawnOptions options = Captured();
  options.timeout_ms = 60'000;
  SpawnResult result = Spawn(
      {"/bin/sh", "-c", "i=0; while [ $i -lt 30000 ]; do echo $i; i=$((i+1)); done; "
                        "sleep 0.3; exit 7"},
      options);
  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &old, nullptr);
  EXPECT_GT(g_alarms.load(), 10);
  ASSERT_TRUE(result.started) << result.error;
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.exit_code, 7);
  std::istringstream lines(result.out);
  int expected = 0;
  for (std::string line; std::getline(lines, line); ++expected) ASSERT_EQ(line, std::to_string(expected));
  EXPECT_EQ(expected, 30000);
}

TEST(Spawn, PassesNoDescriptorButTheStandardThree) {
  // One of ours without O_CLOEXEC, as code we do not own might leave.
  const int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 0);
  SpawnResult result = Spawn({"ls", "-l", "/proc/self/fd"}, Captured());
  ::close(leaky);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::set<int> open;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const size_t arrow = line.find(" -> ");
    if (arrow == std::string::npos) continue;
    const size_t name = line.rfind(' ', arrow - 1) + 1;
    const int fd = std::stoi(line.substr(name, arrow - name));
    // ls's own handle on the folder it lists is the only other one.
    if (line.find("/proc/", arrow) == std::string::npos) open.insert(fd);
  }
  EXPECT_EQ(open, (std::set<int>{0, 1, 2})) << result.out;
}

}  // namespace
}  // namespace labkit::process
