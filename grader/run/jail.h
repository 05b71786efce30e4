// Run stage: each case of a submission's test binary runs in its own
// process inside a jail (bubblewrap: only loopback networking, its own pid
// namespace, a read-only /usr, an empty /tmp, nothing of the kit), under
// rlimits, a wall-clock timeout and an output cap, as an unprivileged user
// of its own, in a cgroup of its own. Where the jail cannot start, cases run
// with the same rlimits, user, cgroup and timeouts, and the report says so.
// Several graders can run on one machine at once (see user_pool.h and
// case_cgroup.h): none touches another's cases.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "grader/harness/case_process.h"
#include "grader/run/case_cgroup.h"
#include "grader/run/user_pool.h"

namespace labkit::run {

struct Isolation {
  bool jailed = false;
  std::string launcher;  // path of case_launcher
  std::string etc_dir;   // the jail's /etc: names resolve as on a student's machine
  std::string note;      // for the report: how cases were isolated, and why
  // As root, one case user per worker, locked for as long as any copy of
  // this lives; without root, none (cases run as the grader's user).
  std::shared_ptr<const UserPool> users;
  CaseCgroups cgroups;  // not usable(): rlimits alone bound a case
  int64_t case_memory_bytes = 0;  // the cgroup's limit: all of a case's processes together
};

// Tries to start the jail once; falls back to rlimits + timeouts if it
// cannot (no bubblewrap, or no namespaces in this container).
// `etc_dir` is grader/run/jail_etc of the kit. As root, takes up to
// `workers` case users from the host's pool (at least one, waiting if need
// be) and removes the case cgroups of dead graders. `case_memory_bytes`
// bounds each case's memory where there are cgroups; 0: 1 GiB.
Isolation ProbeIsolation(const std::string& launcher, const std::string& etc_dir, int workers,
                         int64_t case_memory_bytes = 0);

struct CaseToRun {
  std::string binary;     // the lab's test binary: tests, harness and stubs, no student code
  std::string library;    // the student's code as a shared library, served by call_server
  std::string name;       // "Suite.Case", as --gtest_filter takes it
  int timeout_ms = 2000;  // from the reference's case list
  int slot = 0;           // the worker running it: each has a user of its own
};

struct CaseRun {
  harness::CaseOutcome outcome;
  // Killed by neither its own limits nor the grader (a SIGKILL from outside,
  // or a jail that did not start): not the submission's doing, as far as
  // the grader can tell. A case can also SIGKILL itself, which looks alike.
  bool killed_from_outside = false;
  int64_t peak_memory_bytes = -1;  // all its processes together; -1: unknown
};

// Where a jail session's folder goes ("labkit-run.<pid>.*"): /dev/shm when
// it is a writable tmpfs, else /tmp. Each case makes and removes a few small
// files there (its token, its report), and on a disk file system finding
// inodes for them costs CPU time. Only the kit's processes write in it: the
// student's files stay in the jail's own bounded /tmp. (A case run without a
// session keeps its folder in /tmp, as the student's files are in it.)
const std::string& SessionFolderParent();

// How many case and session folders of `pid` ("labkit-run.<pid>.*") there are
// in /tmp and SessionFolderParent(): each is removed when its case or session
// ends, so none should outlive a grade.
int RunFoldersOf(pid_t pid);

// Runs one case and judges it from the outside: the launcher's record of
// the wait status, the harness's records ending in a per-case token, the
// timeout, and the case's cgroup. Paths of its temp folder read as $TMP.
CaseRun RunJailedCase(const Isolation& isolation, const CaseToRun& spec);

}  // namespace labkit::run
