// The JUnit XML view: well-formed whatever the submission printed, with the
// counts and elements CI systems read.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <vector>

#include "grader/report/report.h"
#include "grader/report/sample_result.h"

namespace labkit::report {
namespace {

using testing::SampleResult;

// A small XML 1.0 well-formedness check, enough for what a report holds:
// legal characters only, elements nested and matched, attributes quoted and
// unique, '&' only in known references, no '<' or "]]>" in text, one root.
// Returns "" if well-formed, else the first problem and where.
std::string WellFormedProblem(const std::string& xml) {
  for (size_t i = 0; i < xml.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(xml[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return "control byte at " + std::to_string(i);
    if (c == 0xEF && i + 2 < xml.size() && static_cast<unsigned char>(xml[i + 1]) == 0xBF &&
        static_cast<unsigned char>(xml[i + 2]) >= 0xBE) {
      return "noncharacter at " + std::to_string(i);
    }
    if (c == 0xC0 || c == 0xC1 || c >= 0xF5) return "invalid UTF-8 at " + std::to_string(i);
  }
  auto reference_ok = [&](size_t at) {
    size_t end = xml.find(';', at);
    if (end == std::string::npos) return false;
    std::string name = xml.substr(at + 1, end - at - 1);
    static const std::set<std::string> kNames = {"amp", "lt", "gt", "quot", "apos"};
    if (kNames.count(name)) return true;
    return name.size() > 1 && name[0] == '#' && name.find_first_not_of("0123456789", 1) == std::string::npos;
  };
  size_t i = 0;
  if (xml.rfind("<?xml ", 0) == 0) i = xml.find("?>") + 2;
  std::vector<std::string> open;
  int roots = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      if (xml[i] == '&' && !reference_ok(i)) return "bad reference at " + std::to_string(i);
      if (xml.compare(i, 3, "]]>") == 0) return "]]> in text at " + std::to_string(i);
      if (open.empty() && !std::isspace(static_cast<unsigned char>(xml[i]))) return "text outside the root";
      ++i;
      continue;
    }
    size_t end = i + 1;
    char quote = 0;
    for (; end < xml.size() && (quote || xml[end] != '>'); ++end) {
      if (quote && xml[end] == '<') return "< in an attribute at " + std::to_string(end);
      if (quote && xml[end] == '&' && !reference_ok(end)) return "bad reference at " + std::to_string(end);
      if (xml[end] == '"' || xml[end] == '\'') quote = quote == 0 ? xml[end] : quote == xml[end] ? 0 : quote;
    }
    if (end >= xml.size()) return "unterminated tag at " + std::to_string(i);
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "mismatched </" + tag.substr(1) + ">";
      open.pop_back();
      continue;
    }
    bool empty = tag.back() == '/';
    if (empty) tag.pop_back();
    std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
    if (open.empty() && ++roots > 1) return "a second root <" + name + ">";
    // Attributes: name="value" pairs, each name once.
    std::set<std::string> names;
    for (size_t at = name.size(); at < tag.size();) {
      while (at < tag.size() && std::isspace(static_cast<unsigned char>(tag[at]))) ++at;
      if (at >= tag.size()) break;
      size_t eq = tag.find('=', at);
      if (eq == std::string::npos || eq + 1 >= tag.size() || (tag[eq + 1] != '"' && tag[eq + 1] != '\'')) {
        return "unquoted attribute in <" + name + ">";
      }
      if (!names.insert(tag.substr(at, eq - at)).second) return "repeated attribute in <" + name + ">";
      at = tag.find(tag[eq + 1], eq + 2) + 1;
    }
    if (!empty) open.push_back(name);
  }
  return open.empty() && roots == 1 ? "" : "unclosed <" + (open.empty() ? "" : open.back()) + ">";
}

// The text between `from` and the next `to` after the first `anchor`.
std::string After(const std::string& text, const std::string& anchor, const std::string& from,
                  const std::string& to) {
  size_t at = text.find(from, text.find(anchor));
  if (at == std::string::npos) return "";
  at += from.size();
  return text.substr(at, text.find(to, at) - at);
}

TEST(WellFormedProblem, CatchesWhatAnUnescapedReportWouldContain) {
  EXPECT_EQ(WellFormedProblem("<a x=\"1\"><b/>t &amp; u</a>"), "");
  EXPECT_NE(WellFormedProblem(std::string("<a>\0</a>", 8)), "");
  EXPECT_NE(WellFormedProblem("<a>]]></a>"), "");
  EXPECT_NE(WellFormedProblem("<a>x & y</a>"), "");
  EXPECT_NE(WellFormedProblem("<a x=\"<\"></a>"), "");
  EXPECT_NE(WellFormedProblem("<a><b></a></b>"), "");
  EXPECT_NE(WellFormedProblem("<a></a><a></a>"), "");
}

TEST(JunitReport, IsWellFormedWhateverTheOutputHeld) {
  std::string xml = JunitReport(SampleResult());
  EXPECT_EQ(WellFormedProblem(xml), "") << xml;
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"alice\"", 0), 0u);
}

TEST(JunitReport, EscapesMarkupAndDropsWhatXmlCannotHold) {
  std::string xml = JunitReport(SampleResult());
  std::string out = After(xml, "name=\"Listen.Backlog\"", "<system-out>", "</system-out>");
  EXPECT_EQ(out.rfind("hello\\x00world\n]]&gt; | `` ``` | \\x1b[2J", 0), 0u) << out;
  EXPECT_NE(out.find("&lt;script&gt;alert(&apos;x&apos; &amp; &quot;y&quot;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(out.find("\\xff\\xfe end"), std::string::npos);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_EQ(xml.find('\0'), std::string::npos);
  // A newline in an attribute would be read back as a space: it is escaped.
  GradeResult result = SampleResult();
  result.labs[1].cases[1].reason = "two\nlines \"quoted\" <&>";
  EXPECT_NE(JunitReport(result).find("message=\"two\\nlines &quot;quoted&quot; &lt;&amp;&gt;\""),
            std::string::npos);
}

TEST(JunitReport, HasASuiteWithCountsPerLabAndACasePerCase) {
  std::string xml = JunitReport(SampleResult());
  EXPECT_NE(xml.find("<testsuites name=\"alice\" tests=\"9\" failures=\"1\" errors=\"4\" skipped=\"1\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"01_socket\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"03_listen\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"01_socket\" name=\"Socket.CreatesTcp\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"score\" value=\"2\"/>"), std::string::npos);
}

TEST(JunitReport, FailuresTimeoutsSkipsAndUnbuiltLabsUseTheirElements) {
  std::string xml = JunitReport(SampleResult());
  std::string failure = After(xml, "name=\"Listen.Backlog\"", "<failure", "</failure>");
  EXPECT_EQ(failure.rfind(" message=\"listen() was not called | pipe\" type=\"failed\">", 0), 0u) << failure;
  EXPECT_NE(failure.find("&gt;&gt;  3"), std::string::npos);
  EXPECT_NE(failure.find("first difference at step 2 (line 3)"), std::string::npos);
  EXPECT_NE(After(xml, "name=\"Listen.Hangs\"", "<error", ">").find("message=\"timed out after 2000 ms\""),
            std::string::npos);
  EXPECT_NE(After(xml, "name=\"Listen.Skipped\"", "<", ">").find("skipped message="), std::string::npos);
  // The lab that did not build: one errored case with the compiler's errors.
  std::string build = After(xml, "<testsuite name=\"04_accept\"", "<error", "</error>");
  EXPECT_EQ(build.rfind(" message=\"the lab did not build\" type=\"build_failed\">", 0), 0u) << build;
  EXPECT_NE(build.find("error: &apos;acept&apos; was not declared"), std::string::npos);
  // The missing lab's cases are errors too, not silent passes.
  EXPECT_NE(After(xml, "name=\"Connect.Reaches\"", "<error", ">").find("the lab is missing"),
            std::string::npos);
}

// Every byte value, in every string a submission can influence, through
// every view: each stays well-formed, valid and free of raw controls.
TEST(AllViews, SurviveEveryByteValueInEveryField) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  GradeResult result = SampleResult();
  result.submission = bytes;
  result.warnings = {bytes};
  result.isolation = bytes;
  GradedLab& lab = result.labs[1];
  lab.id = lab.title = bytes;
  for (GradedCase& c : lab.cases) {
    c.name = c.reason = c.failure = c.output = bytes;
    c.transcript.push_back(bytes);
    c.reference.push_back(bytes + "x");
  }
  result.labs[2].detail = bytes;

  EXPECT_EQ(WellFormedProblem(JunitReport(result)), "");
  EXPECT_NO_THROW(JsonReport(result).dump());
  nlohmann::json gradescope = GradescopeReport(result);
  EXPECT_EQ(ValidateGradescope(gradescope), std::vector<std::string>{});
  std::string dumped = gradescope.dump();
  EXPECT_EQ(dumped.find("\\u0000"), std::string::npos);
  for (const std::string& text : {TerminalReport(result, false), MarkdownReport(result), dumped}) {
    for (char c : text) {
      unsigned char u = static_cast<unsigned char>(c);
      EXPECT_TRUE(u >= 0x20 || c == '\n' || c == '\t') << "raw control byte " << int{u};
    }
  }
}

}  // namespace
}  // namespace labkit::report
