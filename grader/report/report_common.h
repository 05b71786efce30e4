// Helpers the report views share, kept here once: the sanitised model every
// view reads, cutting and wrapping text to a width, naming statuses, and
// pairing a case's transcript with the reference's. Internal to grader/report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "grader/report/report.h"
#include "grader/report/untrusted_text.h"

namespace labkit::report::internal {

// ---- Text -----------------------------------------------------------------

// Every view starts from this copy of the model, never from the model itself:
// each string in it is untrusted::Clean()ed by the kind of field it is (see
// safe_result.cc for which kind each field is). This is the one place the
// views' coverage rests on.
GradeResult Sanitised(const GradeResult& result);

// Views that lay text out (one line in a table cell or an XML attribute) use
// the same escaping; on text from Sanitised it changes only '\n' and '\t'.
using untrusted::Printable;

// Columns `text` takes, counting one per code point (no wide characters).
size_t Width(std::string_view text);
// At most `width` columns: a longer text is cut and ends in "…".
std::string Cut(std::string_view text, size_t width);
// `text` in rows of at most `width` columns; beyond `max_rows` rows the last
// row is cut with "…". An empty text is one empty row.
std::vector<std::string> Wrap(std::string_view text, size_t width, size_t max_rows);
// `text` padded with spaces to `width` columns (never cut).
std::string Pad(std::string_view text, size_t width);
// Each line of `text` prefixed with `prefix`; ends with a newline.
std::string Indent(std::string_view text, std::string_view prefix);
// A block of text (output, a failed expectation) ready to show: printable,
// each line cut to 300 columns, ending in a newline.
std::string ShowBlock(std::string_view text);
// The longest run of `c` in `text`.
size_t LongestRun(std::string_view text, char c);

// `text` in the ANSI colour `code` ("31", "1;32") when `colour`, else as is.
std::string Paint(bool colour, const char* code, const std::string& text);

// ---- Statuses ---------------------------------------------------------------

// A case: "PASS", "FAIL", "TIMEOUT", "CRASH", "EXITED", "NOT RUN", "MACHINE".
// A lab: "OK", "NOT STARTED", "CRASH", "TIMEOUT", "MACHINE", "BUILD FAILED",
// "MISSING".
std::string StatusLabel(CaseStatus status);
std::string StatusLabel(LabOutcome outcome);
// "✓" for passed/ok, "·" for not run/not started, "✗" otherwise.
const char* StatusSymbol(CaseStatus status);
const char* StatusSymbol(LabOutcome outcome);
// The ANSI colour of a status: green, yellow (not run, not started,
// missing, machine error: not the student's doing) or red.
const char* StatusColour(CaseStatus status);
const char* StatusColour(LabOutcome outcome);
// Timed out, crashed, exited early or stopped by the machine: the case did
// not run to its end.
bool IsAbnormal(CaseStatus status);
// A lab's status as the outcome it names, before its cases are read
// (OutcomeOf reads them): kOk stays kOk.
LabOutcome AsOutcome(LabStatus status);
// The lab's number: the digits its id starts with ("03_listen" -> 3), else
// its position (from 1) in the result.
int LabNumber(const GradedLab& lab, size_t index);
// A case's score as the views count it: 0 in a lab that did not build.
int CaseScore(const GradedLab& lab, const GradedCase& c);

// A lab that built but was never started: every case stopped at the
// skeleton's ENOSYS placeholder. Its cases need no side-by-side each.
bool NotStarted(const GradedLab& lab);
inline constexpr const char* kNotStartedNote =
    "not started: every case stopped at a TODO (the skeleton's ENOSYS placeholder)";

// ---- Transcripts ------------------------------------------------------------

// One line index of a case's two transcripts; a side is null past its end.
struct LinePair {
  int line = 0;
  const std::string* reference = nullptr;
  const std::string* yours = nullptr;
};

// The part of the two transcripts a view shows: all of it, or, for a long
// one, a window around the first difference.
struct Pairing {
  std::vector<LinePair> rows;
  int divergence = -1;   // index of the first difference; -1 if none
  int hidden_before = 0;  // lines left out above the window
  int hidden_after = 0;   // and below it
};

// The first line where the transcripts differ: the judge's `divergence` when
// it is a line of either transcript, else found by comparing them.
int FirstDifference(const GradedCase& c);
// The pairing of `c`'s transcript with its reference, at most `max_rows` rows.
Pairing PairLines(const GradedCase& c, size_t max_rows = 60);
// "first difference at step 3 (line 5)", and ": your transcript ends here"
// or ": yours goes on past the reference's end" when one side ended.
std::string DifferenceNote(const GradedCase& c, int divergence);

// Two columns ("reference" | "yours") of the printable lines, at most
// `width` columns wide, long lines wrapped then cut with "…", the first
// difference marked ">>", then the DifferenceNote line.
std::string SideBySideText(const GradedCase& c, size_t width, bool colour);

// What a failing case shows below its reason in plain-text views: the side by
// side (or the transcript alone when there is no reference), the failed
// expectation and the output, each printable and at most `width` wide for the
// transcript part.
std::string CaseDetailText(const GradedCase& c, size_t width, bool colour);

}  // namespace labkit::report::internal
