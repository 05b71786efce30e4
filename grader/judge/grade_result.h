// The one result model of a grade: the judge fills it in, every report view
// (terminal, JSON, Gradescope, JUnit, Markdown, gradebook CSV) reads it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labkit::judge {

// How one case ended. The first five are the harness's verdicts; kNotRun:
// its lab did not build or is missing; kMachineError: killed twice by
// something other than its own limits, so the grading machine is at fault
// (it scores 0 until graded again).
enum class CaseStatus { kPassed, kFailed, kTimedOut, kCrashed, kExitedEarly, kNotRun, kMachineError };

// What the grader could do with a lab: run its cases (kOk), or not because
// it did not build or is missing. report::LabOutcome refines kOk by how the
// cases ended, for the gradebook and the summaries.
enum class LabStatus { kOk, kBuildFailed, kMissing };

// The names every machine-readable view writes (JSON, JUnit, fixtures):
// "passed", "failed", "timed_out", "crashed", "exited_early", "not_run",
// "machine_error"; "ok", "build_failed", "missing".
const char* StatusName(CaseStatus status);
const char* StatusName(LabStatus status);
// The status a name stands for; nullopt for any other text.
std::optional<CaseStatus> ParseCaseStatus(std::string_view name);
std::optional<LabStatus> ParseLabStatus(std::string_view name);

// One graded case: a public or hidden test of one lab.
struct GradedCase {
  std::string name;       // "Listen.ReusesTheAddress"
  int score = 0;          // max_score if it passed, else 0
  int max_score = 0;
  CaseStatus status = CaseStatus::kNotRun;
  std::string reason;     // one line: why it did not pass ("" when it passed)
  // The submission's transcript: numbered steps, with the socket calls the
  // code under test made as indented lines beneath its step; normalized
  // (fds, ports, temp paths) so it lines up with the reference's.
  std::vector<std::string> transcript;
  std::vector<std::string> reference;  // the reference's transcript of the same case
  int divergence = -1;    // index of the first line where they differ; -1 if none
  std::string failure;    // the failed expectation: what, expected, actual, hint
  std::string output;     // what the code printed, capped
  long long peak_memory_bytes = -1;  // all its processes together; -1 when unknown
  bool passed() const { return status == CaseStatus::kPassed; }
};

struct GradedLab {
  std::string id;         // lab folder name, e.g. "03_listen"
  std::string title;
  int score = 0;
  int max_score = 0;
  LabStatus status = LabStatus::kOk;
  std::string detail;     // build_failed: the compiler's first errors; missing: what is missing
  std::vector<GradedCase> cases;
};

struct GradeResult {
  std::string submission;  // as the user named it
  int score = 0;
  int max_score = 0;
  std::vector<GradedLab> labs;
  // How cases were isolated: "bubblewrap" or a sentence saying why the jail
  // could not start and what was used instead.
  std::string isolation;
  std::vector<std::string> warnings;  // staging notes: refused entries, ignored files
};

}  // namespace labkit::judge
