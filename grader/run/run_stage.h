// Run stage: what cases a lab has (asked of its test binary, which holds no
// submission's code), and running them all, jailed, across the machine's cores.
#pragma once

#include <string>
#include <vector>

#include "grader/harness/case_process.h"
#include "grader/run/jail.h"

namespace labkit::run {

struct CaseInfo {
  std::string name;  // "Suite.Case"
  int points = 0;
  int timeout_ms = 0;
};

// Runs a lab's trusted test binary in list mode. Throws std::runtime_error
// if it cannot.
std::vector<CaseInfo> ListCases(const std::string& tests);

// Runs every case of `cases` from the test binary `tests` against the
// student library `library`, `workers` at a time; the outcomes come back
// in the order of `cases`.
std::vector<harness::CaseOutcome> RunCases(const Isolation& isolation, const std::string& tests,
                                           const std::string& library,
                                           const std::vector<CaseInfo>& cases, int workers);

// Runs `jobs` (cases of any binaries), `workers` at a time (no more than
// the case users held), each worker with a slot of its own; results come
// back in the order of `jobs`. A case killed from outside is run once more;
// if that happens again, its killed_from_outside stays set and its reason
// says the grading machine is at fault.
std::vector<CaseRun> RunMany(const Isolation& isolation, std::vector<CaseToRun> jobs, int workers);

}  // namespace labkit::run
