// Judge stage: turns a case's outcome, and the reference's outcome of the
// same case, into a graded case with both transcripts normalized and the
// first line where they part marked.
#pragma once

#include <string>
#include <vector>

#include "grader/harness/case_process.h"
#include "grader/judge/grade_result.h"

namespace labkit::judge {

// The transcript lines of an outcome: its steps, then the failed
// expectation. Descriptors in recorded calls become fd #1, fd #2, ... and
// ports (numbers of 1024 and up seen after an address's ':', after "port",
// or as the argument after a quoted address, wherever they appear) become
// P1, P2, ... in order of first appearance, so two runs line up wherever
// they behaved alike.
std::vector<std::string> NormalizedTranscript(const harness::CaseOutcome& outcome);

// Changes whenever NormalizedTranscript does: stored reference transcripts
// normalized otherwise are stale.
inline constexpr const char* kNormalizerVersion = "n2";

// Index of the first differing line; -1 when one equals the other.
int FirstDivergence(const std::vector<std::string>& yours,
                    const std::vector<std::string>& reference);

// A graded case from the submission's outcome and the reference's
// normalized transcript of the same case.
GradedCase JudgeAgainstReference(const std::string& name, int points,
                                 const harness::CaseOutcome& outcome,
                                 const std::vector<std::string>& reference);

}  // namespace labkit::judge
