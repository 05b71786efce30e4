// The JSON view: the whole model, nothing left out, for tools to read.
#include "grader/report/report.h"
#include "grader/report/report_common.h"

namespace labkit::report {
namespace {

using internal::ValidUtf8;

// Strings are made valid UTF-8 here, not at dump(): nlohmann's dump() throws
// on an invalid byte, and student output may hold any bytes.
nlohmann::json Lines(const std::vector<std::string>& lines) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& line : lines) array.push_back(ValidUtf8(line));
  return array;
}

nlohmann::json CaseJson(const GradedCase& c) {
  return {
      {"name", ValidUtf8(c.name)},
      {"score", c.score},
      {"max_score", c.max_score},
      {"status", ValidUtf8(c.status)},
      {"passed", c.passed()},
      {"reason", ValidUtf8(c.reason)},
      {"transcript", Lines(c.transcript)},
      {"reference", Lines(c.reference)},
      {"divergence", c.divergence},
      {"failure", ValidUtf8(c.failure)},
      {"output", ValidUtf8(c.output)},
  };
}

nlohmann::json LabJson(const GradedLab& lab) {
  nlohmann::json cases = nlohmann::json::array();
  for (const GradedCase& c : lab.cases) cases.push_back(CaseJson(c));
  return {
      {"id", ValidUtf8(lab.id)},
      {"title", ValidUtf8(lab.title)},
      {"score", lab.score},
      {"max_score", lab.max_score},
      {"status", ValidUtf8(lab.status)},
      {"detail", ValidUtf8(lab.detail)},
      {"cases", std::move(cases)},
  };
}

}  // namespace

nlohmann::json JsonReport(const GradeResult& result) {
  nlohmann::json labs = nlohmann::json::array();
  for (const GradedLab& lab : result.labs) labs.push_back(LabJson(lab));
  return {
      {"submission", ValidUtf8(result.submission)},
      {"score", result.score},
      {"max_score", result.max_score},
      {"labs", std::move(labs)},
      {"isolation", ValidUtf8(result.isolation)},
      {"warnings", Lines(result.warnings)},
  };
}

}  // namespace labkit::report
