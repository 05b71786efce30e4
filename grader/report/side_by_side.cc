// Lines a case's transcript up with the reference's and renders the two
// columns every plain-text view shows for a failing case.
#include <algorithm>
#include <cctype>

#include "grader/report/report_common.h"

namespace labkit::report::internal {
namespace {

constexpr size_t kWrapRows = 3;        // a long line takes at most this many rows
constexpr const char* kMarker = ">>";  // marks the first difference

// The step number a transcript line starts with ("12. bind(...)" -> "12"),
// or "" for an indented call line beneath a step.
std::string StepNumber(const std::string& line) {
  size_t i = 0;
  while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
  if (i == 0 || i >= line.size() || line[i] != '.') return "";
  return line.substr(0, i);
}

// The step that line `index` of `lines` belongs to: the nearest numbered
// line at or above it; "" if `lines` has no line `index`.
std::string StepOf(const std::vector<std::string>& lines, int index) {
  if (index >= static_cast<int>(lines.size())) return "";
  for (int i = index; i >= 0; --i) {
    std::string step = StepNumber(lines[i]);
    if (!step.empty()) return step;
  }
  return "";
}

std::string Digits(int n) { return std::to_string(n); }

}  // namespace

int FirstDifference(const GradedCase& c) {
  int n = static_cast<int>(std::max(c.reference.size(), c.transcript.size()));
  if (c.divergence >= 0 && c.divergence < n) return c.divergence;
  for (int i = 0; i < n; ++i) {
    if (i >= static_cast<int>(c.reference.size()) || i >= static_cast<int>(c.transcript.size()) ||
        c.reference[i] != c.transcript[i]) {
      return i;
    }
  }
  return -1;
}

Pairing PairLines(const GradedCase& c, size_t max_rows) {
  Pairing pairing;
  pairing.divergence = FirstDifference(c);
  int n = static_cast<int>(std::max(c.reference.size(), c.transcript.size()));
  int begin = 0, end = n;
  if (max_rows > 0 && n > static_cast<int>(max_rows)) {
    // A window that shows some lines above the difference and more below.
    int rows = static_cast<int>(max_rows);
    begin = std::max(0, pairing.divergence - rows / 3);
    end = std::min(n, begin + rows);
    begin = std::max(0, end - rows);
  }
  pairing.hidden_before = begin;
  pairing.hidden_after = n - end;
  for (int i = begin; i < end; ++i) {
    LinePair row;
    row.line = i;
    if (i < static_cast<int>(c.reference.size())) row.reference = &c.reference[i];
    if (i < static_cast<int>(c.transcript.size())) row.yours = &c.transcript[i];
    pairing.rows.push_back(row);
  }
  return pairing;
}

std::string DifferenceNote(const GradedCase& c, int divergence) {
  if (divergence < 0) return "the transcripts do not differ";
  std::string step = StepOf(c.reference, divergence);
  if (step.empty()) step = StepOf(c.transcript, divergence);
  std::string note = "first difference at ";
  note += step.empty() ? "line " + Digits(divergence + 1)
                       : "step " + step + " (line " + Digits(divergence + 1) + ")";
  if (divergence >= static_cast<int>(c.transcript.size())) {
    note += ": your transcript ends here";
  } else if (divergence >= static_cast<int>(c.reference.size())) {
    note += ": yours goes on past the reference's end";
  }
  return note;
}

std::string SideBySideText(const GradedCase& c, size_t width, bool colour) {
  Pairing pairing = PairLines(c);
  int last_line = pairing.rows.empty() ? 1 : pairing.rows.back().line + 1;
  size_t number_width = std::max<size_t>(2, Digits(last_line).size());
  // ">> 12 " then the two columns around " | ".
  size_t prefix = 2 + 1 + number_width + 1;
  size_t column = width > prefix + 3 + 20 ? (width - prefix - 3) / 2 : 10;

  std::string out;
  auto emit = [&](std::string line) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(std::string(prefix, ' ') + Pad("reference", column) + " | yours");
  emit(std::string(prefix, ' ') + std::string(column, '-') + "-+-" + std::string(column, '-'));
  if (pairing.hidden_before > 0) {
    emit(std::string(prefix, ' ') + "\xE2\x80\xA6 " + Digits(pairing.hidden_before) +
         " earlier lines not shown");
  }
  bool reference_ended = false, yours_ended = false;
  for (const LinePair& row : pairing.rows) {
    // A side that has ended says so once, then stays blank.
    auto cell = [&](const std::string* line, bool& ended) {
      if (line) return Wrap(Printable(*line, false), column, kWrapRows);
      std::string text = ended ? "" : "(ended)";
      ended = true;
      return std::vector<std::string>{text};
    };
    std::vector<std::string> left = cell(row.reference, reference_ended);
    std::vector<std::string> right = cell(row.yours, yours_ended);
    bool first = row.line == pairing.divergence;
    for (size_t k = 0; k < std::max(left.size(), right.size()); ++k) {
      std::string number = k == 0 ? Digits(row.line + 1) : "";
      std::string head = std::string(first && k == 0 ? kMarker : "  ") + " " +
                         std::string(number_width - number.size(), ' ') + number + " ";
      std::string l = k < left.size() ? left[k] : "";
      std::string r = k < right.size() ? right[k] : "";
      if (first) {
        emit(Paint(colour, "1;31", head) + Paint(colour, "32", Pad(l, column)) + " | " +
             Paint(colour, "1;31", r));
      } else {
        emit(head + Pad(l, column) + " | " + r);
      }
    }
  }
  if (pairing.hidden_after > 0) {
    emit(std::string(prefix, ' ') + "\xE2\x80\xA6 " + Digits(pairing.hidden_after) +
         " later lines not shown");
  }
  if (pairing.divergence >= 0) {
    emit(Paint(colour, "1", std::string(kMarker) + " " + DifferenceNote(c, pairing.divergence)));
  }
  return out;
}

std::string CaseDetailText(const GradedCase& c, size_t width, bool colour) {
  std::string out;
  if (!c.reference.empty()) {
    out += SideBySideText(c, width, colour);
  } else if (!c.transcript.empty()) {
    out += Paint(colour, "1", "your transcript:") + "\n";
    for (const std::string& line : c.transcript) {
      out += "  " + Cut(Printable(line, false), width > 2 ? width - 2 : width) + "\n";
    }
  }
  auto block = [&](const char* title, const std::string& text) {
    if (text.empty()) return;
    out += Paint(colour, "1", title) + "\n";
    out += Indent(ShowBlock(text), "  ");
  };
  block("failed expectation:", c.failure);
  block("output:", c.output);
  return out;
}

}  // namespace labkit::report::internal
