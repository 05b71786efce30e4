// Text helpers shared by the views: widths, cutting and wrapping, and the
// names of statuses. Escaping hostile text is untrusted_text.h's alone.
#include <algorithm>
#include <cctype>

#include "grader/report/report_common.h"

namespace labkit::report::internal {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026 "…"

}  // namespace

size_t Width(std::string_view text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

namespace {
// The byte offset just past the first `columns` code points of `text`.
size_t OffsetOf(std::string_view text, size_t columns) {
  size_t i = 0;
  for (size_t seen = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == columns) break;
  }
  return i;
}
}  // namespace

std::string Cut(std::string_view text, size_t width) {
  if (Width(text) <= width) return std::string(text);
  if (width == 0) return "";
  return std::string(text.substr(0, OffsetOf(text, width - 1))) + std::string(kEllipsis);
}

std::vector<std::string> Wrap(std::string_view text, size_t width, size_t max_rows) {
  std::vector<std::string> rows;
  if (width == 0 || max_rows == 0) return {""};
  while (true) {
    size_t end = OffsetOf(text, width);
    if (end >= text.size() || rows.size() + 1 == max_rows) {
      rows.push_back(Cut(text, width));
      return rows;
    }
    // Break after a space, comma or bracket, so a name (AF_UNIX, ENOTSOCK)
    // stays whole, unless that would leave the row less than half full.
    size_t cut = end;
    for (size_t i = end; i > end / 2; --i) {
      const char c = text[i - 1];
      if (c == ' ' || c == ',' || c == '(' || c == ')' || c == '[' || c == ']') {
        cut = i;
        break;
      }
    }
    rows.emplace_back(text.substr(0, cut));
    text.remove_prefix(cut);
  }
}

std::string Pad(std::string_view text, size_t width) {
  std::string out(text);
  size_t have = Width(text);
  if (have < width) out.append(width - have, ' ');
  return out;
}

std::string Indent(std::string_view text, std::string_view prefix) {
  std::string out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    out.append(prefix).append(line) += '\n';
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string ShowBlock(std::string_view text) {
  constexpr size_t kOutputLine = 300;
  std::string lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    lines += Cut(Printable(text.substr(0, end), true), kOutputLine) + "\n";
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

size_t LongestRun(std::string_view text, char c) {
  size_t longest = 0, run = 0;
  for (char x : text) {
    run = x == c ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

std::string Paint(bool colour, const char* code, const std::string& text) {
  if (!colour) return text;
  return std::string("\033[") + code + "m" + text + "\033[0m";
}

std::string StatusLabel(CaseStatus status) {
  switch (status) {
    case CaseStatus::kPassed: return "PASS";
    case CaseStatus::kFailed: return "FAIL";
    case CaseStatus::kTimedOut: return "TIMEOUT";
    case CaseStatus::kCrashed: return "CRASH";
    case CaseStatus::kExitedEarly: return "EXITED";
    case CaseStatus::kNotRun: return "NOT RUN";
    case CaseStatus::kMachineError: return "MACHINE";  // the grading machine's fault
  }
  return "?";
}

std::string StatusLabel(LabOutcome outcome) {
  switch (outcome) {
    case LabOutcome::kOk: return "OK";
    case LabOutcome::kNotStarted: return "NOT STARTED";
    case LabOutcome::kCrashed: return "CRASH";
    case LabOutcome::kTimeout: return "TIMEOUT";
    case LabOutcome::kMachineError: return "MACHINE";
    case LabOutcome::kBuildFailed: return "BUILD FAILED";
    case LabOutcome::kMissing: return "MISSING";
  }
  return "?";
}

const char* StatusSymbol(CaseStatus status) {
  if (status == CaseStatus::kPassed) return "\xE2\x9C\x93";  // ✓
  if (status == CaseStatus::kNotRun) return "\xC2\xB7";       // ·
  return "\xE2\x9C\x97";                                      // ✗
}

const char* StatusSymbol(LabOutcome outcome) {
  if (outcome == LabOutcome::kOk) return "\xE2\x9C\x93";
  if (outcome == LabOutcome::kNotStarted) return "\xC2\xB7";
  return "\xE2\x9C\x97";
}

const char* StatusColour(CaseStatus status) {
  if (status == CaseStatus::kPassed) return "32";
  if (status == CaseStatus::kNotRun || status == CaseStatus::kMachineError) return "33";
  return "31";
}

const char* StatusColour(LabOutcome outcome) {
  if (outcome == LabOutcome::kOk) return "32";
  if (outcome == LabOutcome::kNotStarted || outcome == LabOutcome::kMissing ||
      outcome == LabOutcome::kMachineError) {
    return "33";
  }
  return "31";
}

bool IsAbnormal(CaseStatus status) {
  return status == CaseStatus::kTimedOut || status == CaseStatus::kCrashed ||
         status == CaseStatus::kExitedEarly || status == CaseStatus::kMachineError;
}

LabOutcome AsOutcome(LabStatus status) {
  switch (status) {
    case LabStatus::kOk: return LabOutcome::kOk;
    case LabStatus::kBuildFailed: return LabOutcome::kBuildFailed;
    case LabStatus::kMissing: return LabOutcome::kMissing;
  }
  return LabOutcome::kMissing;
}

int LabNumber(const GradedLab& lab, size_t index) {
  int number = 0;
  size_t i = 0;
  for (; i < lab.id.size() && i < 6 && std::isdigit(static_cast<unsigned char>(lab.id[i])); ++i) {
    number = number * 10 + (lab.id[i] - '0');
  }
  return i == 0 ? static_cast<int>(index) + 1 : number;
}

int CaseScore(const GradedLab& lab, const GradedCase& c) {
  return lab.status == LabStatus::kOk ? c.score : 0;
}

bool NotStarted(const GradedLab& lab) {
  if (lab.status != LabStatus::kOk || lab.score != 0 || lab.cases.empty()) return false;
  for (const GradedCase& c : lab.cases) {
    if (c.passed() || c.failure.find("ENOSYS") == std::string::npos) return false;
  }
  return true;
}

}  // namespace labkit::report::internal

namespace labkit::report {

std::string FitToWidth(std::string_view text, size_t width) {
  std::string out;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    // "hint:     text" continues under its text; other lines two columns in.
    const size_t lead = line.find_first_not_of(' ');
    const size_t colon = line.find(": ", lead);
    size_t indent = lead + 2;
    if (colon != std::string_view::npos && colon - lead <= 12 &&
        line.substr(lead, colon - lead).find(' ') == std::string_view::npos) {
      indent = line.find_first_not_of(' ', colon + 1);
    }
    indent = std::min(indent, width / 2);
    if (lead == std::string_view::npos || internal::Width(line) <= width) {
      out.append(line);
    } else {
      // Rows lose the space they broke after.
      auto trimmed = [](std::string row) { return row.erase(row.find_last_not_of(' ') + 1); };
      std::vector<std::string> rows = internal::Wrap(line, width, line.size());
      out += trimmed(rows[0]);
      // The rest again, at the continuation indent.
      std::string rest;
      for (size_t i = 1; i < rows.size(); ++i) rest += rows[i];
      for (const std::string& row : internal::Wrap(rest, width - indent, rest.size())) {
        out += "\n" + std::string(indent, ' ') + trimmed(row);
      }
    }
    if (end == std::string_view::npos) break;
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

LabOutcome OutcomeOf(const GradedLab& lab) {
  if (lab.status != judge::LabStatus::kOk) return internal::AsOutcome(lab.status);
  bool machine = false, timeout = false, crashed = false;
  for (const GradedCase& c : lab.cases) {
    machine = machine || c.status == judge::CaseStatus::kMachineError;
    timeout = timeout || c.status == judge::CaseStatus::kTimedOut;
    crashed = crashed || c.status == judge::CaseStatus::kCrashed ||
              c.status == judge::CaseStatus::kExitedEarly;
  }
  if (machine) return LabOutcome::kMachineError;
  if (timeout) return LabOutcome::kTimeout;
  if (crashed) return LabOutcome::kCrashed;
  if (internal::NotStarted(lab)) return LabOutcome::kNotStarted;
  return LabOutcome::kOk;
}

const char* OutcomeName(LabOutcome outcome) {
  switch (outcome) {
    case LabOutcome::kOk: return judge::StatusName(judge::LabStatus::kOk);
    case LabOutcome::kNotStarted: return "not_started";
    case LabOutcome::kCrashed: return "crashed";
    case LabOutcome::kTimeout: return "timeout";
    case LabOutcome::kMachineError: return "machine_error";
    case LabOutcome::kBuildFailed: return judge::StatusName(judge::LabStatus::kBuildFailed);
    case LabOutcome::kMissing: return judge::StatusName(judge::LabStatus::kMissing);
  }
  return "?";
}

}  // namespace labkit::report
