// The report stage: views of one GradeResult (grader/judge/grade_result.h).
// Every view reads only that model; none changes it. Text that came from the
// submission (its name, staging warnings, compiler errors, transcripts,
// output, reasons) is treated as hostile: every view first takes a copy of
// the model with each string cleaned by untrusted_text.h (controls, bidi
// overrides and invalid bytes escaped visibly, lengths capped), then escapes
// that for its own medium (Markdown, XML, CSV), so no view can be broken by it.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "grader/judge/grade_result.h"

namespace labkit::report {

using judge::CaseStatus;
using judge::GradedCase;
using judge::GradedLab;
using judge::GradeResult;
using judge::LabStatus;

// What a person reads in a terminal: a table per lab (case, score/max,
// status, reason), subtotals, the total, the isolation note and warnings; for
// each failing case its transcript beside the reference's, the first
// difference marked, then the failed expectation and the output. ANSI colour
// only when `colour` is true (the caller passes isatty). Control characters
// from the submission are shown escaped, never sent to the terminal.
struct TerminalOptions {
  bool colour = false;
  size_t width = 100;         // the terminal's columns (at least 60 are used)
  bool all_failures = true;   // false: each lab's first failing case in full, the rest in its table
};
std::string TerminalReport(const GradeResult& result, const TerminalOptions& options);
inline std::string TerminalReport(const GradeResult& result, bool colour) {
  TerminalOptions options;
  options.colour = colour;
  return TerminalReport(result, options);
}

// `text` with each line wider than `width` columns wrapped at token
// boundaries (so AF_UNIX or ENOTSOCK stays whole); a continuation row is
// indented two columns past its line's own indent. `check` fits its
// transcripts to the terminal with it.
std::string FitToWidth(std::string_view text, size_t width);

// Everything in the model as JSON: submission, score, max_score, isolation,
// warnings, labs[{id, title, score, max_score, status, detail,
// cases[{name, score, max_score, status, passed, reason, transcript,
// reference, divergence, failure, output}]}]. Strings are as the other views
// show them: escaped and capped (a raw ESC reaches no tool that prints one),
// hence valid UTF-8, so dump() cannot throw.
nlohmann::json JsonReport(const GradeResult& result);

// Who sees which test on Gradescope: the public cases (the ones students
// have) always; the hidden ones as `hidden_visibility` says: "visible",
// "hidden", "after_due_date" or "after_published".
struct GradescopeVisibility {
  std::string hidden_visibility = "visible";
  std::set<std::string> public_cases;  // "03_listen/Listen.ReusesTheAddress"
};

// Gradescope's results.json: score, output, visibility, stdout_visibility,
// and one test per case ("03_listen / Listen.ReusesTheAddress", number
// "3.1"). A lab without cases (build failed, missing) becomes one test worth
// the lab's max_score, with the lab's detail as its output.
nlohmann::json GradescopeReport(const GradeResult& result, const GradescopeVisibility& visibility = {});

// The problems that would make `results` an invalid Gradescope results file:
// missing or wrongly typed fields, score above max_score, unknown status,
// visibility or output_format values. Empty when it is valid.
std::vector<std::string> ValidateGradescope(const nlohmann::json& results);

// JUnit XML for CI: one <testsuite> per lab, one <testcase> per case;
// failures as <failure>, timeouts, crashes, early exits and unbuilt labs as
// <error>, cases not run as <skipped>. Well-formed whatever the output held.
std::string JunitReport(const GradeResult& result);

// The feedback a student reads, in Markdown: a summary table of the labs,
// then each lab's cases; each failing case with its reason, a
// | # | reference | yours | table with the first difference marked, the
// failed expectation and the output in fenced blocks.
std::string MarkdownReport(const GradeResult& result);

// ---- Feedback a student reads ------------------------------------------------

// Where the grading ran, so that a student's feedback can leave it out.
struct HostPaths {
  std::vector<std::string> kit;     // the kit's folders: a path below one is shown kit-relative
  std::vector<std::string> hidden;  // other folders of the host (the class's): shown as "…/"
};
// `text` without what a student must not see of the host: the given
// folders; Bazel's output tree (shown kit-relative); any other path under
// /root, /home, /proc or /autograder ("<host path>"), a /tmp
// folder's random name ("/tmp/…/sock"); lines Bazel prints about itself
// (INFO:, ERROR:, Target //..., progress) and the environment (NAME=value),
// unless the text is not a tool's output (`tool_output` false: what a case
// printed, whose lines are the student's own).
std::string ScrubHost(std::string_view text, const HostPaths& host, bool tool_output = true);
// The model with every text field a student reads passed through ScrubHost:
// the build's messages and the warnings as a tool's output, the cases' text
// for paths only.
GradeResult ForStudent(const GradeResult& result, const HostPaths& host);
// The first `max_lines` lines of `text`, then "… N more lines cut".
std::string FirstLines(const std::string& text, size_t max_lines);
// `text` in at most about `max_bytes`, cut at a line end, then "… N more lines cut".
std::string CapBytes(const std::string& text, size_t max_bytes);
// The size of a student's feedback in all (the Markdown report; the outputs
// of a Gradescope results.json together), and the compiler's lines shown.
inline constexpr size_t kFeedbackBytes = 64 * 1024;
inline constexpr size_t kCompilerLines = 40;

// How a lab ended, in one word, for the gradebook and the summaries: the
// lab's status and its cases' statuses read once, here. Worst first: a lab
// that is missing or did not build ran no case; among labs that ran, a case
// stopped by the grading machine outranks a timeout, a timeout a crash (or an
// early exit), and a crash an untouched skeleton ("not_started").
enum class LabOutcome { kOk, kNotStarted, kCrashed, kTimeout, kMachineError, kBuildFailed, kMissing };
LabOutcome OutcomeOf(const GradedLab& lab);
// "ok", "not_started", "crashed", "timeout", "machine_error", "build_failed", "missing".
const char* OutcomeName(LabOutcome outcome);

}  // namespace labkit::report
