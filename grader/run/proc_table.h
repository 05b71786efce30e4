// The process table as /proc shows it, for the sweeps after a case: who
// still runs as a case user, and which of them this process must reap.
#pragma once

#include <sys/types.h>

#include <vector>

namespace labkit::run {

struct ProcessEntry {
  pid_t pid = 0;
  pid_t parent = 0;
  uid_t user = 0;  // the owner of /proc/PID: the process's effective user
};

inline constexpr uid_t kAnyUser = static_cast<uid_t>(-1);

// Every process this process can see (of `user` alone, unless kAnyUser),
// zombies included.
std::vector<ProcessEntry> ProcessTable(uid_t user = kAnyUser);

// The parent of `pid`; 0 if it is gone.
pid_t ParentOf(pid_t pid);

}  // namespace labkit::run
