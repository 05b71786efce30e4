// The shared helpers: widths, and lining up transcripts. Every view relies
// on these, so they are tested on their own (the escaping is
// untrusted_text_test.cc's).
#include <gtest/gtest.h>

#include "grader/report/report_common.h"
#include "grader/report/sample_result.h"

namespace labkit::report::internal {
namespace {

using testing::SampleResult;

GradedCase Transcripts(std::vector<std::string> yours, std::vector<std::string> reference) {
  GradedCase c;
  c.transcript = std::move(yours);
  c.reference = std::move(reference);
  return c;
}

const GradedCase& Backlog() {
  static const GradeResult result = SampleResult();
  return result.labs[1].cases[1];
}

TEST(Width, CutAndWrapCountCodePointsAndMarkWhatWasCut) {
  EXPECT_EQ(Width("é…x"), 3u);
  EXPECT_EQ(Cut("abcdef", 6), "abcdef");
  EXPECT_EQ(Cut("abcdefg", 6), "abcde…");
  EXPECT_EQ(Cut("ééééééé", 4), "ééé…");
  EXPECT_EQ(Wrap("abcdefgh", 3, 5), (std::vector<std::string>{"abc", "def", "gh"}));
  EXPECT_EQ(Wrap("abcdefghijkl", 3, 2), (std::vector<std::string>{"abc", "de…"}));
  EXPECT_EQ(Wrap("", 3, 2), (std::vector<std::string>{""}));
  // Names stay whole: rows break after a space, comma or bracket.
  EXPECT_EQ(Wrap("socket(AF_UNIX, SOCK_STREAM)", 12, 5),
            (std::vector<std::string>{"socket(", "AF_UNIX, ", "SOCK_STREAM)"}));
}

TEST(FitToWidth, WrapsLongLinesAtTokensAndIndentsTheirContinuation) {
  const std::string fitted = FitToWidth(
      "short line\n    hint: ENOSYS is the skeleton's placeholder: finish step one", 30);
  EXPECT_EQ(fitted,
            "short line\n"
            "    hint: ENOSYS is the\n"
            "          skeleton's\n"
            "          placeholder: finish\n"
            "          step one");
  for (size_t at = 0, end; at < fitted.size(); at = end + 1) {
    end = std::min(fitted.find('\n', at), fitted.size());
    EXPECT_LE(Width(std::string_view(fitted).substr(at, end - at)), 30u);
  }
  // A line with no label continues two columns past its indent.
  EXPECT_EQ(FitToWidth("  Edit labs/02_bind/bind_lab.cc and read the handout", 34),
            "  Edit labs/02_bind/bind_lab.cc\n    and read the handout");
  // Lines that fit, empty lines and a final newline are kept as they are.
  EXPECT_EQ(FitToWidth("a\n\nb\n", 30), "a\n\nb\n");
}

TEST(LabNumber, ComesFromTheIdOrElseThePosition) {
  EXPECT_EQ(LabNumber(testing::Lab("03_listen", "", 0, 0, LabStatus::kOk), 0), 3);
  EXPECT_EQ(LabNumber(testing::Lab("12_select", "", 0, 0, LabStatus::kOk), 0), 12);
  EXPECT_EQ(LabNumber(testing::Lab("extra", "", 0, 0, LabStatus::kOk), 4), 5);
}

TEST(FirstDifference, TrustsTheJudgeAndFallsBackToComparing) {
  GradedCase c = Transcripts({"1. a", "2. b"}, {"1. a", "2. c"});
  c.divergence = 1;
  EXPECT_EQ(FirstDifference(c), 1);
  c.divergence = -1;  // an inconsistent model still gets its difference shown
  EXPECT_EQ(FirstDifference(c), 1);
  c.transcript = c.reference;
  EXPECT_EQ(FirstDifference(c), -1);
  c.transcript.pop_back();  // a shorter transcript differs where it ends
  EXPECT_EQ(FirstDifference(c), 1);
}

TEST(DifferenceNote, NamesTheStepAnIndentedCallBelongsTo) {
  EXPECT_EQ(DifferenceNote(Backlog(), 2), "first difference at step 2 (line 3)");
  GradedCase shorter = Transcripts({"1. a"}, {"1. a", "2. b"});
  EXPECT_EQ(DifferenceNote(shorter, 1), "first difference at step 2 (line 2): your transcript ends here");
  GradedCase longer = Transcripts({"1. a", "2. b"}, {"1. a"});
  EXPECT_EQ(DifferenceNote(longer, 1),
            "first difference at step 2 (line 2): yours goes on past the reference's end");
}

TEST(PairLines, ShowsALongTranscriptAsAWindowAroundTheDifference) {
  GradedCase c;
  for (int i = 0; i < 500; ++i) c.reference.push_back(std::to_string(i + 1) + ". step");
  c.transcript = c.reference;
  c.transcript[300] = "301. other";
  c.divergence = 300;
  Pairing pairing = PairLines(c, 60);
  ASSERT_EQ(pairing.rows.size(), 60u);
  EXPECT_EQ(pairing.hidden_before, 280);
  EXPECT_EQ(pairing.hidden_after, 500 - 340);
  EXPECT_EQ(pairing.rows[20].line, 300);
  EXPECT_EQ(*pairing.rows[20].yours, "301. other");
}

TEST(SideBySideText, PutsReferenceBesideYoursAndMarksTheFirstDifference) {
  std::string text = SideBySideText(Backlog(), 100, false);
  std::vector<std::string> lines;
  for (size_t at = 0, end; at < text.size(); at = end + 1) {
    end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
  }
  EXPECT_NE(lines[0].find("reference"), std::string::npos);
  EXPECT_NE(lines[0].find("| yours"), std::string::npos);
  // Line 3 is the first difference: marked, both sides shown, ESC escaped.
  std::string marked;
  for (const std::string& line : lines) {
    if (line.rfind(">>  3 ", 0) == 0) marked = line;
  }
  ASSERT_FALSE(marked.empty()) << text;
  EXPECT_NE(marked.find("listen(fd, 16) -> ok"), std::string::npos);
  EXPECT_NE(marked.find("SO_REUSEADDR) -> ok \\x1b[2J"), std::string::npos);
  EXPECT_EQ(lines.back(), ">> first difference at step 2 (line 3)");
  // The 20 KB line is wrapped to three rows, the last cut; nothing is wider
  // than asked for.
  EXPECT_NE(text.find("A…"), std::string::npos);
  EXPECT_LT(text.size(), 2000u);
  for (const std::string& line : lines) EXPECT_LE(Width(line), 100u) << line;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(SideBySideText, ColourHighlightsOnlyWhenAsked) {
  EXPECT_NE(SideBySideText(Backlog(), 100, true).find("\x1b[1;31m>>"), std::string::npos);
}

}  // namespace
}  // namespace labkit::report::internal
