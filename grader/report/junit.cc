// The JUnit XML view, for CI systems. Text is escaped, never put in CDATA: a
// "]]>" in student output cannot end a section that is not there.
#include "grader/report/report.h"
#include "grader/report/report_common.h"

namespace labkit::report {
namespace {

using namespace internal;

constexpr size_t kWidth = 100;

// Printable() leaves only characters XML 1.0 allows (tab and newline are the
// only controls it keeps); the five markup characters become references.
std::string Escape(const std::string& printable) {
  std::string out;
  out.reserve(printable.size());
  for (char c : printable) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}
// Attribute values are one line: a newline there would be read as a space.
std::string Attr(const std::string& text) { return Escape(Printable(text, false)); }
std::string Body(const std::string& text) { return Escape(Printable(text, true)); }

enum class Kind { kPassed, kFailure, kError, kSkipped };

Kind KindOf(const GradedLab& lab, const GradedCase& c) {
  if (lab.status != LabStatus::kOk) return Kind::kError;
  if (c.passed()) return Kind::kPassed;
  if (c.status == CaseStatus::kNotRun) return Kind::kSkipped;
  if (IsAbnormal(c.status)) return Kind::kError;
  return Kind::kFailure;
}

std::string LabProblem(const GradedLab& lab) {
  if (lab.status == LabStatus::kBuildFailed) return "the lab did not build";
  if (lab.status == LabStatus::kMissing) return "the lab is missing";
  return "the lab has no cases";
}

std::string TestCase(const GradedLab& lab, const GradedCase& c) {
  std::string out = "    <testcase classname=\"" + Attr(lab.id) + "\" name=\"" + Attr(c.name) + "\"";
  Kind kind = KindOf(lab, c);
  if (kind == Kind::kPassed) return out + "/>\n";
  out += ">\n";
  std::string message = c.reason.empty() ? StatusLabel(c.status) : c.reason;
  if (kind == Kind::kSkipped) {
    out += "      <skipped message=\"" + Attr(message) + "\"/>\n";
  } else if (lab.status != LabStatus::kOk) {
    out += "      <error message=\"" + Attr(LabProblem(lab)) + "\" type=\"" + Attr(StatusName(lab.status)) + "\">" +
           Body(lab.detail) + "</error>\n";
  } else {
    const char* element = kind == Kind::kError ? "error" : "failure";
    out += std::string("      <") + element + " message=\"" + Attr(message) + "\" type=\"" +
           Attr(StatusName(c.status)) + "\">" + Body(CaseDetailText(c, kWidth, false)) + "</" + element + ">\n";
  }
  if (!c.output.empty()) out += "      <system-out>" + Body(c.output) + "</system-out>\n";
  return out + "    </testcase>\n";
}

}  // namespace

std::string JunitReport(const GradeResult& model) {
  const GradeResult result = Sanitised(model);  // nothing below sees the raw model
  std::string suites;
  int all_tests = 0, all_failures = 0, all_errors = 0, all_skipped = 0;
  for (const GradedLab& lab : result.labs) {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    std::string cases;
    for (const GradedCase& c : lab.cases) {
      ++tests;
      Kind kind = KindOf(lab, c);
      failures += kind == Kind::kFailure;
      errors += kind == Kind::kError;
      skipped += kind == Kind::kSkipped;
      cases += TestCase(lab, c);
    }
    if (lab.cases.empty() && lab.status != LabStatus::kOk) {
      // Nothing ran: one errored case says why, so CI does not show green.
      ++tests, ++errors;
      cases += "    <testcase classname=\"" + Attr(lab.id) + "\" name=\"" + Attr(StatusName(lab.status)) + "\">\n" +
               "      <error message=\"" + Attr(LabProblem(lab)) + "\" type=\"" + Attr(StatusName(lab.status)) +
               "\">" + Body(lab.detail) + "</error>\n    </testcase>\n";
    }
    suites += "  <testsuite name=\"" + Attr(lab.id) + "\" tests=\"" + std::to_string(tests) +
              "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
              "\" skipped=\"" + std::to_string(skipped) + "\">\n";
    suites += "    <properties>\n";
    suites += "      <property name=\"title\" value=\"" + Attr(lab.title) + "\"/>\n";
    suites += "      <property name=\"status\" value=\"" + Attr(StatusName(lab.status)) + "\"/>\n";
    suites += "      <property name=\"score\" value=\"" + std::to_string(lab.score) + "\"/>\n";
    suites += "      <property name=\"max_score\" value=\"" + std::to_string(lab.max_score) + "\"/>\n";
    suites += "    </properties>\n";
    suites += cases + "  </testsuite>\n";
    all_tests += tests, all_failures += failures, all_errors += errors, all_skipped += skipped;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"" + Attr(result.submission) + "\" tests=\"" + std::to_string(all_tests) +
         "\" failures=\"" + std::to_string(all_failures) + "\" errors=\"" + std::to_string(all_errors) +
         "\" skipped=\"" + std::to_string(all_skipped) + "\">\n";
  return out + suites + "</testsuites>\n";
}

}  // namespace labkit::report
