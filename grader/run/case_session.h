// Run stage: a worker runs the cases of one lab of one submission one after
// another in one jail (a jail session, grader/harness/session.h), because
// starting a jail and a test binary per case costs more than most cases
// take. Each case still gets a process of its own (forked from a server
// that holds no student code), a fresh token, its own output pipe, its own
// timeout and a restarted cgroup count; between cases every process left
// in the jail is killed and /tmp is emptied. A case that times out, floods
// its output or breaks the session takes the jail down with it; the next
// case starts a new one.
//
// Only for a jailed grader running as root, where the student's code runs
// as the worker's case user and the server stays out of its reach; else,
// or with LABKIT_NO_SESSIONS set, each case gets a jail of its own
// (RunJailedCase).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "grader/run/case_cgroup.h"
#include "grader/run/jail.h"

namespace labkit::run {

class CaseSession {
 public:
  explicit CaseSession(const Isolation& isolation) : isolation_(isolation) {}
  ~CaseSession() { End(); }
  CaseSession(const CaseSession&) = delete;
  CaseSession& operator=(const CaseSession&) = delete;

  // Whether sessions are used with `isolation`.
  static bool Usable(const Isolation& isolation);

  // Runs `spec` in this session's jail, starting one (or a new one for
  // another binary, library or worker) as needed.
  CaseRun Run(const CaseToRun& spec);

 private:
  std::string Start(const CaseToRun& spec);  // "" once started, else why not
  void StopJail();  // kills everything in the jail
  void End();       // and removes the session's cgroup and folder

  const Isolation& isolation_;
  std::string binary_, library_;
  int slot_ = -1;
  pid_t jail_ = -1;      // bubblewrap
  pid_t launcher_ = -1;  // PID 1 inside: killing it ends the jail
  int control_ = -1;     // the socket to the session server
  std::string dir_;      // out/ (token, report) and the jail's own messages
  std::optional<CaseCgroup> cgroup_;
};

}  // namespace labkit::run
