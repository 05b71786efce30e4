// One case's process as the trusted side sees it: its records, its exit
// status, its timeout, and the verdict they add up to. Used by the harness
// (a forked case) and by the grader (a jailed one); free of GoogleTest and
// of the call recorder, so the grader itself links neither.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace labkit::harness {

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

// The grader runs a suite binary in these modes (see RunCase).
inline constexpr const char* kGradeModeVariable = "LABKIT_GRADE_MODE";
inline constexpr const char* kReportFdVariable = "LABKIT_REPORT_FD";
// A case split in two processes (remote_client.h): the student's code as a
// shared library, the user it runs as (a uid; unset: as the test), and the
// folder only the test process can open, for its token and its report.
inline constexpr const char* kStudentLibraryVariable = "LABKIT_STUDENT_LIBRARY";
inline constexpr const char* kStudentUserVariable = "LABKIT_STUDENT_USER";
inline constexpr const char* kOutDirVariable = "LABKIT_OUT_DIR";
// Set by the jail, where each case has a network namespace and /tmp of its
// own: the number a case's names are made from (loopback.h's CaseNumber).
inline constexpr const char* kCaseNumberVariable = "LABKIT_CASE_NUMBER";
// Lines of a transcript that show a socket call of the code under test
// start with this, under the step that made it.
inline constexpr const char* kCallIndent = "     | ";

// What the supervisor saw of one case's process.
struct CaseProcess {
  bool timed_out = false;
  bool flooded = false;  // killed for printing more than kOutputFloodBytes
  int timeout_ms = 0;
  int status = 0;  // as from waitpid
  std::string report, output;
  size_t output_bytes = 0;
};

// A case that prints more than this is killed at once.
inline constexpr size_t kOutputFloodBytes = 4 * 1024 * 1024;

// Waits for the process group `pid` leads (bounded by timeout_ms) while
// draining its report and output pipes (non-blocking; output capped), then
// kills the whole group and reaps `pid`. With `kill_first` (a jail's first
// process inside), that one is killed first and `pid` is left to exit.
CaseProcess Supervise(pid_t pid, int report_fd, int output_fd, int timeout_ms,
                      pid_t kill_first = -1);

// Reads what `fd` (non-blocking) holds into the case's output, capped as
// Supervise caps it; sets `flooded` past kOutputFloodBytes. False at end of
// file. For a case whose end the caller sees some other way (a jail session).
bool DrainOutput(int fd, CaseProcess& into);

// Turns what a case's process left (its records, exit status, timeout) into
// a verdict. Only a report ending in `token` and an exit status of 0 pass.
void JudgeCase(const CaseProcess& process, const std::string& token, CaseOutcome& outcome);

// Sends SIGKILL to every process of `user` (a case's own user: nothing
// else runs as it). Needs root. Reaping them is the caller's business.
void KillEveryProcessOf(uid_t user);

// 32 random hex digits: the per-case secret a finished case sends last.
std::string RandomToken();

}  // namespace labkit::harness
