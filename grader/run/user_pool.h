// The host-wide pool of case users. Each running case has a user of its own
// (so RLIMIT_NPROC, counted per user, and the sweep for leftover processes
// concern that case alone). Several graders may run on one machine, so each
// locks the users it takes with flock(2) on a file per user and holds them
// for as long as it runs; the kernel releases the locks of a grader that
// dies, however it dies. Only root can run cases as other users, so only a
// grader running as root takes users from the pool.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace labkit::run {

inline constexpr const char* kCaseUserLockDir = "/run/labkit";
// Apart from the users 61000 + worker that graders before the pool used:
// such a grader still running on the machine sweeps those users after each
// case, and must find none of the pool's processes there.
inline constexpr uid_t kFirstCaseUser = 62000;
inline constexpr int kCaseUsers = 256;

struct UserPoolOptions {
  // Root-owned and writable by its owner alone: it is checked, since a lock
  // file another user could replace (a symbolic link, say) would let that
  // user steer root's open(2) or hold the pool's locks.
  std::string lock_dir = kCaseUserLockDir;
  uid_t first_user = kFirstCaseUser;
  int users = kCaseUsers;
  int wait_ms = 120000;  // for a first user when every one is held
  // Told (once) when the grader must wait or must use fewer users.
  std::function<void(const std::string&)> tell;
};

class UserPool {
 public:
  UserPool() = default;  // holds no users
  // Locks up to `wanted` free users (at least one). With none free it waits,
  // up to options.wait_ms, then throws std::runtime_error saying why. Every
  // process still running as a user it locks was left by a dead grader and
  // is killed.
  static UserPool Acquire(int wanted, const UserPoolOptions& options = {});
  ~UserPool();
  UserPool(UserPool&& other) noexcept;
  UserPool& operator=(UserPool&& other) noexcept;
  UserPool(const UserPool&) = delete;
  UserPool& operator=(const UserPool&) = delete;

  const std::vector<uid_t>& users() const { return users_; }

 private:
  void Release();
  std::vector<uid_t> users_;
  std::vector<int> locks_;  // the open lock file of each user
};

// Kills every process of `user` (possible as root; a no-op otherwise) and
// reaps those that were this process's children: as zombies they would still
// count against the user's RLIMIT_NPROC. Call it only for users this grader
// holds.
void KillProcessesOf(uid_t user);

}  // namespace labkit::run
