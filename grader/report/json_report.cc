// The JSON view: the whole model, nothing left out, for tools to read. Its
// strings are the sanitised model's, so a tool that prints one (jq -r, a web
// page) shows "\x1b" rather than sending an escape; they are also valid UTF-8,
// so dump() cannot throw.
#include "grader/report/report.h"
#include "grader/report/report_common.h"

namespace labkit::report {
namespace {

nlohmann::json CaseJson(const GradedCase& c) {
  return {
      {"name", c.name},
      {"score", c.score},
      {"max_score", c.max_score},
      {"status", judge::StatusName(c.status)},
      {"passed", c.passed()},
      {"reason", c.reason},
      {"transcript", c.transcript},
      {"reference", c.reference},
      {"divergence", c.divergence},
      {"failure", c.failure},
      {"output", c.output},
      {"peak_memory_bytes", c.peak_memory_bytes},
  };
}

nlohmann::json LabJson(const GradedLab& lab) {
  nlohmann::json cases = nlohmann::json::array();
  for (const GradedCase& c : lab.cases) cases.push_back(CaseJson(c));
  return {
      {"id", lab.id},
      {"title", lab.title},
      {"score", lab.score},
      {"max_score", lab.max_score},
      {"status", judge::StatusName(lab.status)},
      {"detail", lab.detail},
      {"cases", std::move(cases)},
  };
}

}  // namespace

nlohmann::json JsonReport(const GradeResult& model) {
  const GradeResult result = internal::Sanitised(model);  // nothing below sees the raw model
  nlohmann::json labs = nlohmann::json::array();
  for (const GradedLab& lab : result.labs) labs.push_back(LabJson(lab));
  return {
      {"submission", result.submission},
      {"score", result.score},
      {"max_score", result.max_score},
      {"labs", std::move(labs)},
      {"isolation", result.isolation},
      {"warnings", result.warnings},
  };
}

}  // namespace labkit::report
