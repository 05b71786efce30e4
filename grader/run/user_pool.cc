#include "grader/run/user_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "grader/harness/case_process.h"
#include "grader/run/proc_table.h"

namespace labkit::run {
namespace {

constexpr int kRetryMs = 100;  // between looks at the pool while waiting

// The lock folder, created if need be, refused unless it is a real folder
// owned by this user and writable by it alone.
int OpenLockDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create the case-user lock folder " + path + ": " +
                             std::strerror(errno));
  }
  int dir = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat info;
  if (dir < 0 || ::fstat(dir, &info) != 0 || info.st_uid != ::geteuid() ||
      (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    if (dir >= 0) ::close(dir);
    throw std::runtime_error("refusing the case-user lock folder " + path +
                             ": it must be a folder owned by uid " +
                             std::to_string(::geteuid()) +
                             " that no one else can write to (remove it and grade again)");
  }
  return dir;
}

// The open, locked lock file of `user`; -1 if another grader holds it.
int TryLock(int dir, uid_t user) {
  const std::string name = "case-user-" + std::to_string(user) + ".lock";
  int fd = ::openat(dir, name.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot open the lock file " + name + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return -1;
  }
  // For a person wondering who holds it; the lock itself is what counts.
  const std::string holder = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // harmless: the file is informative only
  }
  return fd;
}

}  // namespace

UserPool UserPool::Acquire(int wanted, const UserPoolOptions& options) {
  wanted = std::clamp(wanted, 1, std::max(1, options.users));
  const int dir = OpenLockDir(options.lock_dir);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options.wait_ms);
  UserPool pool;
  try {
    for (bool told = false;; told = true) {
      for (int i = 0; i < options.users && static_cast<int>(pool.users_.size()) < wanted; ++i) {
        const uid_t user = options.first_user + i;
        if (int lock = TryLock(dir, user); lock >= 0) {
          pool.users_.push_back(user);
          pool.locks_.push_back(lock);
        }
      }
      if (!pool.users_.empty()) break;
      const std::string range = std::to_string(options.first_user) + "-" +
                                std::to_string(options.first_user + options.users - 1);
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error("every case user (uid " + range +
                                 ") is held by another grader on this machine, and none was "
                                 "freed in " + std::to_string(options.wait_ms / 1000) +
                                 " s; the holders' pids are in " + options.lock_dir);
      }
      if (!told && options.tell) {
        options.tell("every case user (uid " + range + ") is held by another grader; waiting up to " +
                     std::to_string(options.wait_ms / 1000) + " s for one to be freed");
      }
      ::poll(nullptr, 0, kRetryMs);
    }
  } catch (...) {
    ::close(dir);
    throw;
  }
  ::close(dir);
  if (static_cast<int>(pool.users_.size()) < wanted && options.tell) {
    options.tell("only " + std::to_string(pool.users_.size()) + " of " + std::to_string(wanted) +
                 " case users are free (other graders hold the rest): running " +
                 std::to_string(pool.users_.size()) + " case(s) at once");
  }
  // Held by no grader, so whatever still runs as these users was left by
  // one that died.
  for (uid_t user : pool.users_) KillProcessesOf(user);
  return pool;
}

UserPool::~UserPool() { Release(); }

UserPool::UserPool(UserPool&& other) noexcept
    : users_(std::exchange(other.users_, {})), locks_(std::exchange(other.locks_, {})) {}

UserPool& UserPool::operator=(UserPool&& other) noexcept {
  if (this != &other) {
    Release();
    users_ = std::exchange(other.users_, {});
    locks_ = std::exchange(other.locks_, {});
  }
  return *this;
}

void UserPool::Release() {
  for (int lock : locks_) ::close(lock);  // closing the last descriptor unlocks
  locks_.clear();
  users_.clear();
}

void KillProcessesOf(uid_t user) {
  if (::geteuid() != 0) return;
  if (ProcessTable(user).empty()) return;  // the usual case: one scan of /proc, no fork
  harness::KillEveryProcessOf(user);
  for (const ProcessEntry& process : ProcessTable(user)) {
    // Killed above, so dying if not dead: reaped, or its zombie would count.
    if (process.parent == ::getpid()) ::waitpid(process.pid, nullptr, 0);
  }
}

}  // namespace labkit::run
