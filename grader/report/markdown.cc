// The Markdown view: the feedback a student reads. All text from the model
// is escaped so that it shows as written and cannot break a table or fence.
#include <algorithm>

#include "grader/report/report.h"
#include "grader/report/report_common.h"

namespace labkit::report {
namespace {

using namespace internal;

constexpr size_t kCellWidth = 120;       // transcript cells are cut here
constexpr const char* kNbsp = "\xC2\xA0";  // keeps indentation a table would trim

std::string Fraction(int score, int max_score) {
  return std::to_string(score) + "/" + std::to_string(max_score);
}

// One line of inline text: printable, with every character that Markdown
// could read as markup backslash-escaped. `|` too, so it stays in its cell.
std::string Inline(const std::string& text) {
  std::string out;
  for (char c : Printable(text, false)) {
    if (std::string_view("\\`*_{}[]<>|~&#!").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A transcript line as a table cell: cut to fit, leading spaces kept as
// non-breaking ones outside the bold, trailing spaces dropped (a "**" after
// a space would not close the bold).
std::string Cell(const std::string* line, bool bold, bool& ended) {
  if (!line) {
    std::string text = ended ? "" : "*(ended)*";
    ended = true;
    return text;
  }
  std::string text = Cut(Printable(*line, false), kCellWidth);
  size_t indent = text.find_first_not_of(' ');
  if (indent == std::string::npos) return "";
  size_t end = text.find_last_not_of(' ');
  std::string out;
  for (size_t i = 0; i < indent; ++i) out += kNbsp;
  std::string body = Inline(text.substr(indent, end + 1 - indent));
  return out + (bold ? "**" + body + "**" : body);
}

// A fenced block that `text` cannot close: longer than any run of
// backticks in it.
std::string Fenced(const std::string& text) {
  std::string body = ShowBlock(text);
  std::string fence(std::max<size_t>(3, LongestRun(body, '`') + 1), '`');
  return fence + "\n" + body + fence + "\n";
}

std::string StatusText(CaseStatus status) {
  return std::string(StatusSymbol(status)) + " " + StatusLabel(status);
}
std::string StatusText(LabOutcome outcome) {
  return std::string(StatusSymbol(outcome)) + " " + StatusLabel(outcome);
}

void SideBySide(const GradedCase& c, std::string& out) {
  Pairing pairing = PairLines(c);
  out += "| # | reference | yours |\n|---:|---|---|\n";
  if (pairing.hidden_before > 0) {
    out += "| \xE2\x80\xA6 | *" + std::to_string(pairing.hidden_before) + " earlier lines not shown* | |\n";
  }
  bool reference_ended = false, yours_ended = false;
  for (const LinePair& row : pairing.rows) {
    bool first = row.line == pairing.divergence;
    std::string number = std::to_string(row.line + 1);
    out += "| " + (first ? "**>> " + number + "**" : number) + " | " +
           Cell(row.reference, first, reference_ended) + " | " + Cell(row.yours, first, yours_ended) +
           " |\n";
  }
  if (pairing.hidden_after > 0) {
    out += "| \xE2\x80\xA6 | *" + std::to_string(pairing.hidden_after) + " later lines not shown* | |\n";
  }
  if (pairing.divergence >= 0) {
    out += "\n**>> " + Inline(DifferenceNote(c, pairing.divergence)) + "**\n";
  }
}

void FailingCase(const GradedCase& c, std::string& out) {
  out += "\n### " + std::string(StatusSymbol(c.status)) + " " + Inline(c.name) + " \xE2\x80\x94 " +
         StatusLabel(c.status) + " (" + Fraction(c.score, c.max_score) + ")\n\n";
  if (!c.reason.empty()) out += "**Why:** " + Inline(c.reason) + "\n\n";
  if (!c.reference.empty()) {
    SideBySide(c, out);
  } else if (!c.transcript.empty()) {
    out += "**Your transcript**\n\n" + Fenced([&] {
      std::string text;
      for (const std::string& line : c.transcript) text += line + "\n";
      return text;
    }());
  }
  if (!c.failure.empty()) out += "\n**Failed expectation**\n\n" + Fenced(c.failure);
  if (!c.output.empty()) out += "\n**Output**\n\n" + Fenced(c.output);
}

void Lab(const GradedLab& lab, std::string& out) {
  out += "\n## " + Inline(lab.id);
  if (!lab.title.empty()) out += " \xE2\x80\x94 " + Inline(lab.title);
  out += " (" + Fraction(lab.score, lab.max_score) + ")\n\n";
  if (lab.status == LabStatus::kBuildFailed) {
    out += "**The lab did not build**, so its cases did not run. The compiler's first errors:\n\n" +
           Fenced(FirstLines(lab.detail, kCompilerLines));
  } else if (lab.status == LabStatus::kMissing) {
    out += "**The lab is missing** from the submission.\n\n" + (lab.detail.empty() ? "" : Fenced(lab.detail));
  }
  if (lab.cases.empty()) return;
  if (lab.status != LabStatus::kOk) {  // a line per case would only say "not run" again and again
    out += "\nIts " + std::to_string(lab.cases.size()) + " cases did not run.\n";
    return;
  }
  out += "| Case | Score | Status | Reason |\n|---|---:|---|---|\n";
  for (const GradedCase& c : lab.cases) {
    out += "| " + Inline(c.name) + " | " + Fraction(CaseScore(lab, c), c.max_score) + " | " +
           StatusText(c.status) + " | " + Inline(c.reason) + " |\n";
  }
  if (NotStarted(lab)) {
    out += "\n**" + std::string(kNotStartedNote) + ".**\n";
    return;
  }
  // The first failing case in full; the table above has a line for each other.
  int failing = 0;
  for (const GradedCase& c : lab.cases) {
    if (c.passed() || c.status == CaseStatus::kNotRun) continue;
    if (failing++ == 0) FailingCase(c, out);
  }
  if (failing > 1) {
    out += "\n*" + std::to_string(failing - 1) + " more failing case" + (failing > 2 ? "s" : "") +
           ": see the table above (only the first is shown in full).*\n";
  }
}

// At most kFeedbackBytes, cut at a line end; a fence left open is closed.
std::string Capped(const std::string& out) {
  if (out.size() <= kFeedbackBytes) return out;
  std::string cut = CapBytes(out, kFeedbackBytes - 64);
  std::string open_fence;
  size_t start = 0;
  const size_t marker = cut.rfind('\n', cut.size() - 2);  // the "… N more lines cut" line
  for (size_t end; start < marker && (end = cut.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = cut.substr(start, end - start);
    const bool fence = line.size() >= 3 && line.find_first_not_of('`') == std::string::npos;
    if (fence && open_fence.empty()) {
      open_fence = line;
    } else if (fence && line == open_fence) {
      open_fence.clear();
    }
  }
  if (open_fence.empty()) return cut;
  return cut.substr(0, marker + 1) + open_fence + "\n\n" + cut.substr(marker + 1);
}

}  // namespace

std::string MarkdownReport(const GradeResult& model) {
  const GradeResult result = Sanitised(model);  // nothing below sees the raw model
  std::string out = "# Grade for " + Inline(result.submission.empty() ? "(unnamed)" : result.submission) +
                    "\n\n**Total: " + Fraction(result.score, result.max_score) + "**\n\n";
  out += "| Lab | Title | Score | Status |\n|---|---|---:|---|\n";
  for (const GradedLab& lab : result.labs) {
    out += "| " + Inline(lab.id) + " | " + Inline(lab.title) + " | " + Fraction(lab.score, lab.max_score) +
           " | " + StatusText(AsOutcome(lab.status)) + " |\n";
  }
  out += "| **Total** | | **" + Fraction(result.score, result.max_score) + "** | |\n";
  for (const GradedLab& lab : result.labs) Lab(lab, out);
  if (!result.warnings.empty()) {
    out += "\n## Warnings\n\n";
    for (const std::string& warning : result.warnings) out += "- " + Inline(warning) + "\n";
  }
  if (!result.isolation.empty()) out += "\n*Isolation: " + Inline(result.isolation) + "*\n";
  return Capped(out);
}

}  // namespace labkit::report
