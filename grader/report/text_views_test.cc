// The views people read: the terminal report and the Markdown feedback.
#include <gtest/gtest.h>

#include "grader/report/report.h"
#include "grader/report/report_common.h"
#include "grader/report/sample_result.h"

namespace labkit::report {
namespace {

using testing::SampleResult;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t at = 0, end; at < text.size(); at = end + 1) {
    end = text.find('\n', at);
    lines.push_back(text.substr(at, end == std::string::npos ? end : end - at));
    if (end == std::string::npos) break;
  }
  return lines;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of `text` that contains `part`, or "".
std::string LineWith(const std::string& text, const std::string& part) {
  for (const std::string& line : Lines(text)) {
    if (Contains(line, part)) return line;
  }
  return "";
}

TEST(TerminalReport, TabulatesEachCaseWithScoreStatusAndReason) {
  std::string text = TerminalReport(SampleResult(), false);
  std::string row = LineWith(text, "Listen.Backlog ");
  EXPECT_NE(row.find("0/3"), std::string::npos) << row;
  EXPECT_NE(row.find("FAIL"), std::string::npos) << row;
  EXPECT_NE(row.find("listen() was not called | pipe"), std::string::npos) << row;
  EXPECT_TRUE(Contains(LineWith(text, "Listen.Hangs"), "TIMEOUT"));
  EXPECT_TRUE(Contains(LineWith(text, "Listen.Skipped"), "NOT RUN"));
  EXPECT_TRUE(Contains(LineWith(text, "Socket.CreatesTcp"), "2/2"));
  EXPECT_TRUE(Contains(LineWith(text, "03_listen"), "2/10"));
  EXPECT_TRUE(Contains(text, "subtotal"));
  EXPECT_TRUE(Contains(text, "Total: 7/25"));
  EXPECT_TRUE(Contains(text, "Isolation: bubblewrap"));
  EXPECT_TRUE(Contains(text, "  - refused entry ../../etc/passwd"));
  for (const std::string& line : Lines(text)) {
    if (Contains(line, "Listen.") && !Contains(line, "(")) {
      EXPECT_LE(internal::Width(line), 100u) << line;
    }
  }
}

TEST(TerminalReport, ShowsAFailingCaseBesideTheReferenceAndPassesOnOneLine) {
  std::string text = TerminalReport(SampleResult(), false);
  EXPECT_TRUE(Contains(text, "reference"));
  EXPECT_TRUE(Contains(text, "| yours"));
  EXPECT_TRUE(Contains(LineWith(text, ">>  3"), "listen(fd, 16) -> ok"));
  EXPECT_TRUE(Contains(text, ">> first difference at step 2 (line 3)"));
  EXPECT_TRUE(Contains(text, "expected: ok"));
  EXPECT_TRUE(Contains(text, "hint: call listen()"));
  EXPECT_TRUE(Contains(text, "output:"));
  // The timed-out case shows where its transcript stopped.
  EXPECT_TRUE(Contains(text, ">> first difference at step 2 (line 2): your transcript ends here"));
  // A passing case's transcript is not shown.
  EXPECT_FALSE(Contains(text, "PASSING-TRANSCRIPT-LINE"));
  for (const std::string& line : Lines(text)) {
    if (Contains(line, " | ")) {
      EXPECT_LE(internal::Width(line), 100u) << line;
    }
  }
}

TEST(TerminalReport, ShowsTheCompilerErrorsOfALabThatDidNotBuild) {
  std::string text = TerminalReport(SampleResult(), false);
  EXPECT_TRUE(Contains(LineWith(text, "04_accept"), "BUILD FAILED"));
  EXPECT_TRUE(Contains(text, "\n    accept.cc:12:5: error: 'acept' was not declared in this scope\n"
                             "       12 |     acept(fd);\n"));
  EXPECT_TRUE(Contains(LineWith(text, "05_connect"), "MISSING"));
  EXPECT_TRUE(Contains(text, "    no folder 05_connect in the submission"));
}

TEST(TerminalReport, PaintsOnlyWhenAskedAndNeverPassesTheSubmissionsEscapes) {
  std::string plain = TerminalReport(SampleResult(), false);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_EQ(plain.find('\0'), std::string::npos);
  EXPECT_TRUE(Contains(plain, "\\x1b[2J"));  // shown, escaped
  std::string coloured = TerminalReport(SampleResult(), true);
  EXPECT_TRUE(Contains(coloured, "\x1b[32m"));
  EXPECT_TRUE(Contains(coloured, "\x1b[0m"));
  EXPECT_FALSE(Contains(coloured, "\x1b[2J"));
  EXPECT_FALSE(Contains(coloured, "\x1b[31mred"));
}

// The cells of a Markdown table row, split on unescaped pipes.
std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size()) {
      cell += row.substr(i, 2);
      ++i;
    } else if (row[i] == '|') {
      cells.push_back(cell);
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return cells;
}

TEST(MarkdownReport, SummarisesTheLabsThenListsEachLabsCases) {
  std::string md = MarkdownReport(SampleResult());
  EXPECT_EQ(md.rfind("# Grade for alice\n", 0), 0u);
  EXPECT_TRUE(Contains(md, "| Lab | Title | Score | Status |\n|---|---|---:|---|\n"));
  EXPECT_TRUE(Contains(md, "| 03\\_listen | Listen | 2/10 | ✓ OK |"));
  EXPECT_TRUE(Contains(md, "| 04\\_accept | Accept | 0/5 | ✗ BUILD FAILED |"));
  EXPECT_TRUE(Contains(md, "| **Total** | | **7/25** | |"));
  EXPECT_TRUE(Contains(md, "## 03\\_listen — Listen (2/10)"));
  EXPECT_TRUE(Contains(md, "| Listen.ReusesTheAddress | 2/2 | ✓ PASS |  |"));
  // A lab that did not run has no table of cases that say so one by one.
  EXPECT_TRUE(Contains(md, "**The lab is missing** from the submission.")) << md;
  EXPECT_TRUE(Contains(md, "Its 2 cases did not run.")) << md;
  EXPECT_FALSE(Contains(md, "| Connect.Reaches |")) << md;
  EXPECT_TRUE(Contains(md, "**The lab did not build**"));
  EXPECT_TRUE(Contains(md, "```\naccept.cc:12:5: error: 'acept' was not declared in this scope\n"));
  EXPECT_TRUE(Contains(md, "- refused entry ../../etc/passwd"));
  EXPECT_TRUE(Contains(md, "*Isolation: bubblewrap*"));
}

TEST(MarkdownReport, ShowsAFailingCaseAsATableWithTheFirstDifferenceInBold) {
  std::string md = MarkdownReport(SampleResult());
  EXPECT_TRUE(Contains(md, "### ✗ Listen.Backlog — FAIL (0/3)"));
  EXPECT_TRUE(Contains(md, "**Why:** listen() was not called \\| pipe"));
  EXPECT_TRUE(Contains(md, "| # | reference | yours |\n|---:|---|---|\n"));
  std::string marked = LineWith(md, "| **>> 3** |");
  ASSERT_FALSE(marked.empty());
  // Indentation survives as non-breaking spaces, outside the bold.
  EXPECT_TRUE(Contains(marked, "\xC2\xA0\xC2\xA0\xC2\xA0**listen(fd, 16) -\\> ok**"));
  EXPECT_TRUE(Contains(md, "**>> first difference at step 2 (line 3)**"));
  EXPECT_TRUE(Contains(md, "**Failed expectation**\n\n```\nconnect succeeds\n"));
  // Every row of every table keeps its columns, whatever the cells hold.
  for (const std::string& line : Lines(md)) {
    if (line.rfind("| ", 0) != 0) continue;
    size_t cells = Cells(line).size();
    EXPECT_TRUE(cells == 3 || cells == 4) << line;
  }
}

TEST(MarkdownReport, FencesOutputSoItCannotEscapeAndEscapesControls) {
  std::string md = MarkdownReport(SampleResult());
  // The output holds a run of three backticks: its fence has four.
  EXPECT_TRUE(Contains(md, "**Output**\n\n````\nhello\\x00world\n"));
  EXPECT_TRUE(Contains(md, "\\xff\\xfe end\n````\n"));
  EXPECT_EQ(md.find('\x1b'), std::string::npos);
  EXPECT_EQ(md.find('\0'), std::string::npos);
  EXPECT_TRUE(Contains(md, "- ignored file \\\\x1b\\[31mred.txt"));
}

TEST(MarkdownReport, ShowsMarkupOutsideFencesAsTextNotAsMarkup) {
  GradeResult result = SampleResult();
  result.labs[1].cases[1].reason = "<img src=x> *bold* [link](y) `code` a|b";
  std::string md = MarkdownReport(result);
  EXPECT_TRUE(Contains(md, "**Why:** \\<img src=x\\> \\*bold\\* \\[link\\](y) \\`code\\` a\\|b\n"));
}

// A lab that was never started fails every case at the skeleton's ENOSYS
// placeholder: one line says so, instead of a side-by-side per case.
TEST(NotStartedLab, IsSummedUpInOneLine) {
  GradeResult result;
  GradedLab lab{"05_connect", "connect()", 0, 3, LabStatus::kOk, "", {}};
  for (const char* name : {"Connect.One", "Connect.Two"}) {
    GradedCase c;
    c.name = name;
    c.max_score = 1;
    c.status = CaseStatus::kFailed;
    c.reason = "expectation failed: ConnectInet";
    c.failure = "ConnectInet\n  expected: success\n  actual:   error ENOSYS (Function not implemented)";
    c.transcript = {"1. ConnectInet -> error ENOSYS"};
    c.reference = {"1. ConnectInet -> ok: 3"};
    c.divergence = 0;
    lab.cases.push_back(c);
  }
  result.labs.push_back(lab);
  EXPECT_TRUE(Contains(LineWith(TerminalReport(result, false), "05_connect"), "NOT STARTED"))
      << "an untouched lab reads \"not started\", not \"OK\"";
  for (const std::string& text : {TerminalReport(result, false), MarkdownReport(result)}) {
    EXPECT_NE(text.find(internal::kNotStartedNote), std::string::npos) << text;
    EXPECT_EQ(text.find("ok: 3"), std::string::npos) << "no side-by-side expected:\n" << text;
  }
  // One case that failed for another reason: the lab was started after all.
  result.labs[0].cases[1].failure = "ConnectInet\n  expected: success\n  actual:   error EINVAL";
  const std::string started = TerminalReport(result, false);
  EXPECT_EQ(started.find(internal::kNotStartedNote), std::string::npos) << started;
  EXPECT_NE(started.find("ok: 3"), std::string::npos) << started;
}

TEST(TerminalReport, FitsTheTerminalsWidth) {
  TerminalOptions options;
  options.width = 80;
  for (const std::string& line : Lines(TerminalReport(SampleResult(), options))) {
    EXPECT_LE(internal::Width(line), 80u) << line;
  }
}

TEST(TerminalReport, ShowsEachLabsFirstFailingCaseInFullUnlessAskedForAll) {
  TerminalOptions options;
  const std::string all = TerminalReport(SampleResult(), options);
  options.all_failures = false;
  const std::string first = TerminalReport(SampleResult(), options);
  EXPECT_LT(first.size(), all.size());
  EXPECT_TRUE(Contains(first, "--all shows each one in full")) << first;
  EXPECT_FALSE(Contains(all, "--all shows each one in full")) << all;
}

}  // namespace
}  // namespace labkit::report
