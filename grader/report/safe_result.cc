// The model as every view reads it: each string a submission could have
// touched, cleaned by the kind of field it is. Views call Sanitised() first
// and read only its copy, so a field is covered in every view at once, however
// the view lays it out, and whoever filled the model in (the pipeline, a class
// batch renaming a result, a test).
#include "grader/report/report_common.h"

namespace labkit::report::internal {
namespace {

using untrusted::Clean;
using untrusted::Kind;

std::vector<std::string> Lines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  out.reserve(lines.size());
  for (const std::string& line : lines) out.push_back(Clean(line, Kind::kLine));
  return out;
}

// The structured bindings name every field of a struct: a field added to the
// model stops this file compiling until it is given a kind here.
GradedCase SanitisedCase(const GradedCase& c) {
  const auto& [name, score, max_score, status, reason, transcript, reference, divergence, failure,
               output, peak_memory_bytes] = c;
  return GradedCase{Clean(name, Kind::kName),    score,
                    max_score,                   status,
                    Clean(reason, Kind::kLine),  Lines(transcript),
                    Lines(reference),            divergence,
                    Clean(failure, Kind::kBlock), Clean(output, Kind::kBlock),
                    peak_memory_bytes};  // a number the grader measured
}

GradedLab SanitisedLab(const GradedLab& lab) {
  const auto& [id, title, score, max_score, status, detail, cases] = lab;
  GradedLab out{Clean(id, Kind::kName), Clean(title, Kind::kName), score, max_score,
                status, Clean(detail, Kind::kBlock), {}};
  out.cases.reserve(cases.size());
  for (const GradedCase& c : cases) out.cases.push_back(SanitisedCase(c));
  return out;
}

}  // namespace

GradeResult Sanitised(const GradeResult& result) {
  const auto& [submission, score, max_score, labs, isolation, warnings] = result;
  GradeResult out{Clean(submission, Kind::kName), score, max_score, {}, Clean(isolation, Kind::kLine),
                  Lines(warnings)};
  out.labs.reserve(labs.size());
  for (const GradedLab& lab : labs) out.labs.push_back(SanitisedLab(lab));
  return out;
}

}  // namespace labkit::report::internal
