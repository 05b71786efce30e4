// A submission that attacks the reader: a name that is a spreadsheet formula,
// archive entry names and output full of terminal escapes, CRs that would
// overwrite a score, bidirectional overrides, a flood of output. No view may
// pass any of it on as itself. (The gradebook's side is in gradebook_test.cc.)
#include <gtest/gtest.h>

#include <algorithm>

#include "grader/report/report.h"
#include "grader/report/sample_result.h"
#include "grader/report/untrusted_text.h"

namespace labkit::report {
namespace {

using nlohmann::json;
using testing::SampleResult;

const std::string kFormula = "=HYPERLINK(\"http://x\",\"click\")";
// Clears the line, returns to its start and moves up: with a BEL, the terminal
// would show "215/215" where the real score was.
const std::string kOverwrite = "\x1b[2K\r\x1b[1A  [1/1] alice: 215/215\x07";
const std::string kRightToLeft = "\xE2\x80\xAE" "512/871\xE2\x81\xA6";  // U+202E ... U+2066

// The sample with every field a submission reaches made hostile.
GradeResult Hostile() {
  GradeResult result = SampleResult();
  result.submission = kFormula + kOverwrite;
  result.score = 178;
  result.max_score = 215;
  result.warnings = {"refused ../" + kOverwrite + ": its path has a \"..\" component"};
  result.isolation = "bubblewrap" + kOverwrite;
  GradedLab& lab = result.labs[1];
  lab.title = kRightToLeft;
  GradedCase& c = lab.cases[1];
  c.name = "Listen.Backlog" + kRightToLeft;
  c.reason = "timed out\r" + kOverwrite;
  c.output = "\x1b]0;owned\x07\x1b[2J\x9b\xC2\x9B" + kOverwrite + "\n" + kRightToLeft + "\n";
  c.failure = "expected\n  actual: " + kOverwrite;
  c.transcript[2] = "   setsockopt(fd) -> ok " + kOverwrite + kRightToLeft;
  result.labs[2].detail = "accept.cc:1: error: " + kOverwrite + "\n" + kRightToLeft;
  return result;
}

// The first thing in `text` a reader must not receive as itself: a control
// other than newline and tab, a C1 control, a bidirectional control; "" if none.
std::string RawControl(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) return "byte " + std::to_string(b);
    if (b == 0xC2 && i + 1 < text.size() && (text[i + 1] & 0xE0) == 0x80) return "a C1 control";
    if (b == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x80' &&
        ((text[i + 2] >= '\xAA' && text[i + 2] <= '\xAE') || text[i + 2] == '\x8E' || text[i + 2] == '\x8F')) {
      return "a bidirectional override";
    }
    if (b == 0xE2 && i + 2 < text.size() && text[i + 1] == '\x81' && text[i + 2] >= '\xA6' &&
        text[i + 2] <= '\xA9') {
      return "a bidirectional isolate";
    }
  }
  return "";
}

// Every string in `value`, as a tool that reads the JSON gets it back.
void Strings(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_structured()) {
    for (const json& item : value) Strings(item, out);
  }
}

TEST(HostileSubmission, ReachesNoTextViewAsItself) {
  const GradeResult result = Hostile();
  const std::vector<std::pair<std::string, std::string>> views = {
      {"terminal", TerminalReport(result, false)},
      {"markdown", MarkdownReport(result)},
      {"junit", JunitReport(result)},
      {"json", JsonReport(result).dump(2)},
      {"gradescope", GradescopeReport(result).dump(2)},
  };
  for (const auto& [name, text] : views) {
    EXPECT_EQ(RawControl(text), "") << name << ":\n" << text;
    EXPECT_EQ(text.find('\r'), std::string::npos) << name;
    // The escapes are there to read (each view quotes the backslash its own way).
    EXPECT_NE(text.find("x1b[2K"), std::string::npos) << name;
  }
}

TEST(HostileSubmission, ReachesNoToolThroughTheJsonItReadsBack) {
  // `jq -r` prints a string as it decodes it: decoded, each is still inert.
  std::vector<std::string> strings;
  Strings(JsonReport(Hostile()), strings);
  Strings(GradescopeReport(Hostile()), strings);
  ASSERT_GT(strings.size(), 20u);
  for (const std::string& text : strings) EXPECT_EQ(RawControl(text), "") << text;
  json report = JsonReport(Hostile());
  EXPECT_EQ(report["submission"], untrusted::Clean(kFormula + kOverwrite, untrusted::Kind::kName));
  EXPECT_EQ(report["labs"][1]["title"], "\\u{202e}512/871\\u{2066}");
}

TEST(HostileSubmission, CannotOverwriteTheRealScoreOnTheTerminal) {
  std::string text = TerminalReport(Hostile(), false);
  EXPECT_NE(text.find("\nTotal: 178/215\n"), std::string::npos);
  EXPECT_EQ(text.find("Total:"), text.rfind("Total:"));
  // The fake line never gets a line of its own: it stays inside the line
  // that shows its escapes.
  for (size_t at = 0, end; at < text.size(); at = end + 1) {
    end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    EXPECT_NE(line.substr(std::min(line.size(), line.find_first_not_of(' '))).rfind("[1/1]", 0), 0u)
        << line;
    if (end == std::string::npos) break;
  }
}

TEST(HostileSubmission, LeavesJunitWellFormedAndMarkdownInItsFences) {
  std::string xml = JunitReport(Hostile());
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_NE(xml.find("name=\"=HYPERLINK(&quot;http://x&quot;,&quot;click&quot;)\\x1b[2K"),
            std::string::npos);
  std::string md = MarkdownReport(Hostile());
  EXPECT_EQ(md.rfind("# Grade for =HYPERLINK(\"http://x\",\"click\")\\\\x1b\\[2K\\\\r", 0), 0u) << md.substr(0, 80);
}

TEST(HostileSubmission, FloodsOfOutputAreCappedInEveryView) {
  GradeResult result = SampleResult();
  result.labs[1].cases[1].output = std::string(1 << 20, '\x1b');
  result.labs[1].cases[1].reason = std::string(1 << 20, 'r');
  json report = JsonReport(result);
  std::string output = report["labs"][1]["cases"][1]["output"];
  EXPECT_LE(output.size(), untrusted::Limit(untrusted::Kind::kBlock) + 32);
  EXPECT_NE(output.find("more bytes)"), std::string::npos);
  std::string reason = report["labs"][1]["cases"][1]["reason"];
  EXPECT_EQ(reason, std::string(untrusted::Limit(untrusted::Kind::kLine), 'r') + "… (" +
                        std::to_string((1 << 20) - untrusted::Limit(untrusted::Kind::kLine)) +
                        " more bytes)");
  EXPECT_LT(MarkdownReport(result).size(), 64u * 1024);
  EXPECT_LT(JunitReport(result).size(), 128u * 1024);
}

}  // namespace
}  // namespace labkit::report
