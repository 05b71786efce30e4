// Runs one test case in its own process, bounded by a timeout, and judges it
// from the trusted side only: the child's exit status and the records its
// Script sent, ending with a per-case secret token. Nothing the code under
// test prints is parsed; it is only shown, capped.
#pragma once

#include <cstddef>
#include <functional>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "grader/harness/case_process.h"
#include "grader/harness/script.h"

namespace labkit::harness {

struct CaseOptions {
  int points = 1;
  int timeout_ms = 2000;
};

using CaseBody = std::function<void(Script&)>;

// Forks, runs `body` in the child, and judges the result.
CaseOutcome RunIsolated(const CaseOptions& options, const CaseBody& body);

// GoogleTest glue: records the case's points as the "points" property (and
// its verdict and reason), and fails the current test with the transcript.
//
// Under the grader (environment variable LABKIT_GRADE_MODE):
//   list  the case only writes "L<name><points><timeout_ms>" to the fd in
//         LABKIT_REPORT_FD; the grader asks the reference's binary, never a
//         submission's, what each case is worth;
//   run   the case runs here, unforked, split in two processes: this one
//         runs the test and the student's library runs in another
//         (remote_client.h). The grader started this process for the case,
//         jailed, and judges it with JudgeCase from the outside.
void RunCase(const CaseOptions& options, const CaseBody& body);

}  // namespace labkit::harness
