#include "grader/run/user_pool.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace labkit::run {
namespace {

// Test users far from the real pool's, so a grader on this machine is not
// disturbed.
constexpr uid_t kFirst = 70000;

// Each test has a lock folder of its own.
class UserPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string dir = std::string(tmp ? tmp : "/tmp") + "/pool.XXXXXX";
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    lock_dir_ = dir + "/locks";
  }

  // A pool of `users` users, waiting at most `wait_ms` for a first one.
  UserPoolOptions Pool(int users, int wait_ms = 0) const {
    UserPoolOptions options;
    options.lock_dir = lock_dir_;
    options.first_user = kFirst;
    options.users = users;
    options.wait_ms = wait_ms;
    return options;
  }

  std::string lock_dir_;
};

// Reads up to `size` bytes, waiting at most 10 s: a child that never writes
// fails the test instead of hanging it.
std::string ReadBounded(int fd, size_t size) {
  std::string text;
  while (text.size() < size) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, 10000) <= 0) break;
    char buffer[64];
    ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, size - text.size()));
    if (n <= 0) break;
    text.append(buffer, n);
  }
  return text;
}

TEST_F(UserPoolTest, TwoGradersInOneProcessGetDisjointUsers) {
  UserPool first = UserPool::Acquire(2, Pool(4));
  UserPool second = UserPool::Acquire(2, Pool(4));
  EXPECT_EQ(first.users(), (std::vector<uid_t>{kFirst, kFirst + 1}));
  EXPECT_EQ(second.users(), (std::vector<uid_t>{kFirst + 2, kFirst + 3}));
}

TEST_F(UserPoolTest, TooFewFreeUsersMeansFewerWorkers) {
  UserPool first = UserPool::Acquire(3, Pool(4));
  std::string told;
  UserPoolOptions options = Pool(4);
  options.tell = [&](const std::string& what) { told = what; };
  UserPool second = UserPool::Acquire(3, options);
  EXPECT_EQ(second.users(), (std::vector<uid_t>{kFirst + 3}));
  EXPECT_NE(told.find("only 1 of 3 case users are free"), std::string::npos) << told;
}

TEST_F(UserPoolTest, AnotherProcessHoldsItsUsersUntilItDies) {
  const UserPoolOptions options = Pool(3);
  int users_pipe[2], hold_pipe[2];
  ASSERT_EQ(::pipe(users_pipe), 0);
  ASSERT_EQ(::pipe(hold_pipe), 0);
  pid_t holder = ::fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    UserPool pool = UserPool::Acquire(2, options);
    (void)!::write(users_pipe[1], "held", 4);
    char byte;
    (void)!::read(hold_pipe[0], &byte, 1);  // until the test kills it
    ::_exit(0);
  }
  ASSERT_EQ(ReadBounded(users_pipe[0], 4), "held");
  UserPool mine = UserPool::Acquire(3, options);
  EXPECT_EQ(mine.users(), (std::vector<uid_t>{kFirst + 2}));

  // Killed, not exited: the kernel still releases its locks.
  ASSERT_EQ(::kill(holder, SIGKILL), 0);
  ASSERT_EQ(::waitpid(holder, nullptr, 0), holder);
  UserPool freed = UserPool::Acquire(3, options);
  EXPECT_EQ(freed.users(), (std::vector<uid_t>{kFirst, kFirst + 1}));
}

TEST_F(UserPoolTest, WaitsForAUserToBeFreed) {
  UserPool holder = UserPool::Acquire(1, Pool(1));
  UserPoolOptions options = Pool(1, 10000);
  std::string told;
  // Told that it waits, the test frees the one user; no sleep needed.
  options.tell = [&](const std::string& what) {
    told = what;
    holder = UserPool();
  };
  UserPool waited = UserPool::Acquire(1, options);
  EXPECT_EQ(waited.users(), (std::vector<uid_t>{kFirst}));
  EXPECT_NE(told.find("waiting up to 10 s"), std::string::npos) << told;
}

TEST_F(UserPoolTest, GivesUpWhenNoUserIsFreedInTime) {
  UserPool holder = UserPool::Acquire(1, Pool(1));
  try {
    UserPool::Acquire(1, Pool(1, 0));
    FAIL() << "a second grader got the only user";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("held by another grader"), std::string::npos) << e.what();
  }
}

TEST_F(UserPoolTest, RefusesALockFolderOthersCanWrite) {
  const UserPoolOptions options = Pool(1);
  ASSERT_EQ(::mkdir(options.lock_dir.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(options.lock_dir.c_str(), 0777), 0);
  try {
    UserPool::Acquire(1, options);
    FAIL() << "a world-writable lock folder was used";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("refusing"), std::string::npos) << e.what();
  }
}

TEST_F(UserPoolTest, KillProcessesOfKillsAndReapsThatUserAlone) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root can run a process as another user";
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setresgid(kFirst, kFirst, kFirst) != 0 || ::setresuid(kFirst, kFirst, kFirst) != 0) {
      ::_exit(1);
    }
    (void)!::write(ready[1], "u", 1);
    for (;;) ::pause();
  }
  ASSERT_EQ(ReadBounded(ready[0], 1), "u");
  KillProcessesOf(kFirst + 1);  // another user's: the child lives on
  EXPECT_EQ(::kill(child, 0), 0);
  KillProcessesOf(kFirst);
  EXPECT_EQ(::kill(child, 0), -1);  // killed and reaped: no zombie left
  EXPECT_EQ(errno, ESRCH);
}

}  // namespace
}  // namespace labkit::run
