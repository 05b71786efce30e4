// Runs one test case in its own process, bounded by a timeout, and judges it
// from the trusted side only: the child's exit status and the records its
// Script sent, ending with a per-case secret token. Nothing the code under
// test prints is parsed; it is only shown, capped.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "grader/harness/script.h"

namespace labkit::harness {

struct CaseOptions {
  int points = 1;
  int timeout_ms = 2000;
};

enum class Verdict { kPassed, kFailed, kTimedOut, kCrashed, kExitedEarly };
const char* VerdictName(Verdict verdict);

struct Expectation {
  std::string what, expected, actual, hint;
};

struct CaseOutcome {
  Verdict verdict = Verdict::kFailed;
  std::string reason;                  // one line: why it did not pass
  std::vector<std::string> steps;      // numbered in order, as executed
  std::optional<Expectation> failed;   // the expectation that failed, if any
  std::string output;                  // what the case printed, capped
  size_t output_bytes = 0;             // how much it printed in all

  bool passed() const { return verdict == Verdict::kPassed; }
  // The transcript a student reads: every step, the failing one marked.
  std::string Report() const;
};

using CaseBody = std::function<void(Script&)>;

// Forks, runs `body` in the child, and judges the result.
CaseOutcome RunIsolated(const CaseOptions& options, const CaseBody& body);

// GoogleTest glue: records the case's points as the "points" property (and
// its verdict and reason), and fails the current test with the transcript.
void RunCase(const CaseOptions& options, const CaseBody& body);

}  // namespace labkit::harness
