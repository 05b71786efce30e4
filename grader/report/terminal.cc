// The terminal view: tables of cases, then the detail of each failing case.
#include <algorithm>

#include "grader/report/report.h"
#include "grader/report/report_common.h"

namespace labkit::report {
namespace {

using namespace internal;

constexpr size_t kNameWidth = 40;  // case names longer than this are cut
constexpr size_t kMinWidth = 60;   // narrower terminals get 60 columns anyway
constexpr const char* kDetailIndent = "    ";

std::string Fraction(int score, int max_score) {
  return std::to_string(score) + "/" + std::to_string(max_score);
}

// "✓ PASS" in the status's colour, padded to `width` columns.
template <typename Status>
std::string StatusCell(Status status, size_t width, bool colour) {
  std::string text = std::string(StatusSymbol(status)) + " " + StatusLabel(status);
  return Paint(colour, StatusColour(status), text) + std::string(width - std::min(width, Width(text)), ' ');
}

std::string RightAlign(const std::string& text, size_t width) {
  return std::string(width - std::min(width, Width(text)), ' ') + text;
}

void LabSection(const GradedLab& lab, const TerminalOptions& options, std::string& out) {
  const bool colour = options.colour;
  const size_t kWidth = std::max(kMinWidth, options.width);
  std::string heading = Printable(lab.id, false);
  if (!lab.title.empty()) heading += " \xE2\x80\x94 " + Printable(lab.title, false);  // —
  heading = Cut(heading, kWidth - 24);
  std::string score = Fraction(lab.score, lab.max_score);
  // An untouched lab is "not started", not "OK" with nothing earned.
  const LabOutcome status =
      lab.status == LabStatus::kOk && NotStarted(lab) ? LabOutcome::kNotStarted : AsOutcome(lab.status);
  out += Paint(colour, "1", Pad(heading, kWidth - 24)) + "  " +
         StatusCell(status, 14, colour) + RightAlign(score, 8) + "\n";

  if (lab.status != LabStatus::kOk) {
    const char* what = lab.status == LabStatus::kBuildFailed ? "the lab did not build:" : "the lab is missing:";
    out += "  " + Paint(colour, "1", what) + "\n";
    std::string detail = lab.detail.empty() ? "(no detail)" : lab.detail;
    std::string lines = Printable(detail, true);
    // Long compiler lines are cut so the block keeps to the report's width.
    std::string_view rest = lines;
    while (!rest.empty()) {
      size_t end = rest.find('\n');
      out += kDetailIndent + Cut(rest.substr(0, end), kWidth - 4) + "\n";
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
  }
  if (lab.cases.empty()) return;

  size_t name_width = 4;  // "case"
  size_t score_width = 5;  // "score"
  for (const GradedCase& c : lab.cases) {
    name_width = std::max(name_width, std::min(kNameWidth, Width(Printable(c.name, false))));
    score_width = std::max(score_width, Fraction(CaseScore(lab, c), c.max_score).size());
  }
  const size_t status_width = 10;
  size_t used = 2 + name_width + 2 + score_width + 2 + status_width + 1;
  size_t reason_width = kWidth > used + 10 ? kWidth - used : 10;

  out += Paint(colour, "2", "  " + Pad("case", name_width) + "  " + RightAlign("score", score_width) +
                                "  " + Pad("status", status_width) + " reason") + "\n";
  for (const GradedCase& c : lab.cases) {
    std::string row = "  " + Pad(Cut(Printable(c.name, false), name_width), name_width) + "  " +
                      RightAlign(Fraction(CaseScore(lab, c), c.max_score), score_width) + "  " +
                      StatusCell(c.status, status_width, colour) + " " +
                      Cut(Printable(c.reason, false), reason_width);
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  }
  out += "  " + Pad("subtotal", name_width) + "  " +
         RightAlign(Fraction(lab.score, lab.max_score), score_width) + "\n";

  // The detail of each failing case of a lab that ran: passes need none, and
  // a lab that did not build has only its build errors to show.
  if (lab.status != LabStatus::kOk) return;
  if (NotStarted(lab)) {
    out += "\n  " + Paint(colour, "1", kNotStartedNote) + "\n";
    return;
  }
  // The first failing case in full; with all_failures, every one.
  bool shown = false;
  for (const GradedCase& c : lab.cases) {
    if (c.passed() || c.status == CaseStatus::kNotRun) continue;
    if (shown && !options.all_failures) {
      out += "\n  " + Paint(colour, "2", "(the other failing cases are in the table above; "
                                        "--all shows each one in full)") + "\n";
      break;
    }
    shown = true;
    out += "\n  " + Paint(colour, StatusColour(c.status), StatusSymbol(c.status)) + " " +
           Paint(colour, "1", Printable(c.name, false)) + " (" + StatusLabel(c.status) + ", " +
           Fraction(c.score, c.max_score) + ")";
    if (!c.reason.empty()) out += ": " + Printable(c.reason, false);
    out += "\n";
    out += Indent(CaseDetailText(c, kWidth - 4, colour), kDetailIndent);
  }
}

}  // namespace

std::string TerminalReport(const GradeResult& model, const TerminalOptions& options) {
  const GradeResult result = Sanitised(model);  // nothing below sees the raw model
  const bool colour = options.colour;
  const size_t kWidth = std::max(kMinWidth, options.width);
  std::string out;
  std::string title = "Grade for " + Printable(result.submission.empty() ? "(unnamed)" : result.submission, false);
  out += Paint(colour, "1", Cut(title, kWidth)) + "\n";
  out += std::string(kWidth, '=') + "\n";
  for (const GradedLab& lab : result.labs) {
    out += "\n";
    LabSection(lab, options, out);
  }
  out += "\n" + std::string(kWidth, '=') + "\n";
  bool full = result.score == result.max_score && result.max_score > 0;
  out += Paint(colour, full ? "1;32" : "1", "Total: " + Fraction(result.score, result.max_score)) + "\n";
  if (!result.isolation.empty()) {
    out += "Isolation: " + Printable(result.isolation, false) + "\n";
  }
  if (!result.warnings.empty()) {
    out += Paint(colour, "33", "Warnings:") + "\n";
    for (const std::string& warning : result.warnings) {
      out += "  - " + Printable(warning, false) + "\n";
    }
  }
  return out;
}

}  // namespace labkit::report
