// One cgroup per case, so that its limits cover the whole case (the jail and
// every process in it, however many) and it can be killed as one. rlimits
// are per process (64 processes of 1 GiB each are 64 GiB) or per user.
//
// cgroup v2 is used where its memory and pids controllers can be given to
// case cgroups, else the v1 `memory` and `pids` hierarchies. Case cgroups
// are named after the grader's pid (and pid namespace), so graders never
// collide and those a dead grader left can be recognised and removed.
// Without usable cgroups (not root, nothing mounted, LABKIT_NO_CGROUPS set)
// the caller falls back to rlimits alone and says so.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace labkit::run {

struct CgroupLimits {
  int64_t memory_bytes = 0;  // all the case's processes together
  int tasks = 0;             // processes and threads together
};

struct CgroupUsage {
  int64_t peak_memory_bytes = -1;     // -1 when the kernel does not say
  bool memory_limit_reached = false;  // the case's own limit made the kernel kill in it
};

// Where this machine's case cgroups go; found once per grader.
class CaseCgroups {
 public:
  // Creates the labkit folder in the hierarchy (or hierarchies) to use.
  static CaseCgroups Probe();
  bool usable() const { return !bases_.empty(); }
  // "cgroup v1 (memory + pids)", or why no cgroup can be used.
  const std::string& description() const { return description_; }
  // Kills what graders that no longer run left in their case cgroups
  // (reaping those that were this process's children) and removes them.
  void RemoveAbandoned() const;

 private:
  friend class CaseCgroup;
  int version_ = 0;
  std::vector<std::string> bases_;  // v2: one folder; v1: memory's, then pids'
  std::string description_;
};

class CaseCgroup {
 public:
  // A new cgroup for one case, named after this process and `label`, with
  // `limits` written. Throws std::runtime_error if it cannot be made.
  CaseCgroup(const CaseCgroups& where, const std::string& label, const CgroupLimits& limits);
  ~CaseCgroup() { Destroy(); }
  CaseCgroup(const CaseCgroup&) = delete;
  CaseCgroup& operator=(const CaseCgroup&) = delete;

  // Moves the calling process in; for a child between fork and exec (it
  // only calls write(2)). False if the kernel refused.
  bool Join() const;
  // What the case used since it was made or last restarted; read before Destroy.
  CgroupUsage Usage() const;
  // For a jail session, where the cases of one submission follow one
  // another in one cgroup: from now on, Usage() is the next case's. Where
  // the kernel cannot restart the peak, Usage() no longer tells one.
  void Restart();
  // Kills every process in it until none is left (bounded), reaps those
  // that were this process's children, and removes it. Idempotent.
  void Destroy();
  // The cgroup's folders (v1: one per hierarchy).
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  int64_t OomKills() const;

  int version_;
  std::vector<std::string> paths_;
  std::vector<int> procs_;  // each folder's cgroup.procs, open for Join
  int64_t ooms_before_ = 0;  // the kernel's count of OOM kills at the last Restart
  bool peak_known_ = true;
  // v2: memory.peak restarts only for the open file that was written to.
  int peak_fd_ = -1;
};

}  // namespace labkit::run
