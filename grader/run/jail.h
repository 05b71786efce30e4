// Run stage: each case of a submission's test binary runs in its own
// process inside a jail (bubblewrap: only loopback networking, its own pid
// namespace, a read-only /usr, an empty /tmp, nothing of the kit), under
// rlimits, a wall-clock timeout and an output cap, as an unprivileged user
// of its own. Where the jail cannot start, cases run with the same rlimits,
// user and timeouts, and the report says so.
#pragma once

#include <string>

#include "grader/harness/case_process.h"

namespace labkit::run {

struct Isolation {
  bool jailed = false;
  std::string launcher;  // path of case_launcher
  std::string etc_dir;   // the jail's /etc: names resolve as on a student's machine
  std::string note;      // for the report: how cases were isolated, and why
};

// Tries to start the jail once; falls back to rlimits + timeouts if it
// cannot (no bubblewrap, or no namespaces in this container).
// `etc_dir` is grader/run/jail_etc of the kit.
Isolation ProbeIsolation(const std::string& launcher, const std::string& etc_dir);

struct CaseToRun {
  std::string binary;     // the lab's test binary: tests, harness and stubs, no student code
  std::string library;    // the student's code as a shared library, served by call_server
  std::string name;       // "Suite.Case", as --gtest_filter takes it
  int timeout_ms = 2000;  // from the reference's case list
  int slot = 0;           // the worker running it: each has a user of its own
};

// Runs one case and judges it from the outside: the launcher's record of
// the wait status, the harness's records ending in a per-case token, the
// timeout. Paths of the case's temp folder read as $TMP.
harness::CaseOutcome RunJailedCase(const Isolation& isolation, const CaseToRun& spec);

// Kills whatever the case users of `workers` workers still run and reaps
// those that were this process's (orphans come here: the grader is a child
// subreaper). For the case a grader itself was killed half way.
void KillCaseUsers(int workers);

}  // namespace labkit::run
