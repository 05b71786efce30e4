// The Gradescope view (results.json, as the autograder specification at
// gradescope-autograders.readthedocs.io/en/latest/specs/ describes it) and a
// validator for the fields that specification defines.
#include <algorithm>
#include <set>

#include "grader/report/report.h"
#include "grader/report/report_common.h"

namespace labkit::report {
namespace {

using namespace internal;

constexpr size_t kWidth = 100;

// Gradescope stores these strings in a database and shows them in a page:
// control characters (NUL above all) are escaped, not passed on.
std::string Text(const std::string& text) { return Printable(text, true); }
std::string Line(const std::string& text) { return Printable(text, false); }

std::string LabProblem(const GradedLab& lab) {
  if (lab.status == LabStatus::kBuildFailed) return "The lab did not build, so its cases did not run.";
  if (lab.status == LabStatus::kMissing) return "The lab is missing from the submission.";
  return "The lab has no cases.";
}

// A lab's build errors are shown once, in its first test; each lab's first
// failing case in full, the others by their reason alone.
std::string CaseOutput(const GradedLab& lab, const GradedCase& c, bool first_of_lab, bool first_failing,
                       const std::string& first_number) {
  if (lab.status != LabStatus::kOk) {
    std::string out = c.reason.empty() ? "" : Line(c.reason) + "\n";
    out += LabProblem(lab) + "\n";
    if (!first_of_lab) return out + "(Test " + first_number + " says why.)\n";
    if (!lab.detail.empty()) out += "\n" + Text(FirstLines(lab.detail, kCompilerLines));
    return out;
  }
  if (c.passed()) return "";
  std::string out = Line(c.reason.empty() ? StatusLabel(c.status) : c.reason) + "\n";
  if (c.status == CaseStatus::kNotRun || first_number.empty()) return out;
  if (!first_failing) return out + "(Only the lab's first failing case, test " + first_number +
                             ", is shown in full.)\n";
  std::string detail = CaseDetailText(c, kWidth, false);
  if (!detail.empty()) out += "\n" + detail;
  return out;
}

// The outputs together in at most kFeedbackBytes: each is cut, in order, to
// what the ones before it left.
void CapOutputs(nlohmann::json& results) {
  size_t left = kFeedbackBytes;
  auto cap = [&left](nlohmann::json& field) {
    const std::string text = field.get<std::string>();
    const std::string kept = CapBytes(text, std::max<size_t>(left, 128));
    left -= std::min(left, kept.size());
    field = kept;
  };
  cap(results["output"]);
  for (nlohmann::json& test : results["tests"]) cap(test["output"]);
}

nlohmann::json Test(std::string name, std::string number, int score, int max_score, bool passed,
                    std::string output, std::string visibility) {
  return {
      {"name", std::move(name)},
      {"number", std::move(number)},
      {"score", score},
      {"max_score", max_score},
      {"status", passed ? "passed" : "failed"},
      {"output", std::move(output)},
      // "text" keeps the two transcript columns lined up.
      {"output_format", "text"},
      {"visibility", std::move(visibility)},
  };
}

std::string Summary(const GradeResult& result) {
  std::string out = "Score: " + std::to_string(result.score) + "/" + std::to_string(result.max_score) + "\n";
  for (const GradedLab& lab : result.labs) {
    out += Line(lab.id) + ": " + std::to_string(lab.score) + "/" + std::to_string(lab.max_score);
    if (lab.status != LabStatus::kOk) out += " (" + StatusLabel(AsOutcome(lab.status)) + ")";
    out += "\n";
  }
  if (!result.isolation.empty()) out += "Isolation: " + Line(result.isolation) + "\n";
  for (const std::string& warning : result.warnings) out += "Warning: " + Line(warning) + "\n";
  return out;
}

}  // namespace

nlohmann::json GradescopeReport(const GradeResult& model, const GradescopeVisibility& visibility) {
  const GradeResult result = Sanitised(model);  // nothing below sees the raw model
  nlohmann::json tests = nlohmann::json::array();
  for (size_t l = 0; l < result.labs.size(); ++l) {
    const GradedLab& lab = result.labs[l];
    std::string number = std::to_string(LabNumber(lab, l));
    if (lab.cases.empty()) {
      // Nothing ran: one test carries the lab's points and says why.
      int score = lab.status == LabStatus::kOk ? lab.score : 0;
      std::string output = LabProblem(lab) + "\n";
      if (!lab.detail.empty()) output += "\n" + Text(FirstLines(lab.detail, kCompilerLines));
      tests.push_back(Test(Line(lab.id), number, score, lab.max_score,
                           lab.status == LabStatus::kOk && score == lab.max_score, output, "visible"));
      continue;
    }
    const std::string first_number = number + ".1";
    std::string first_failing_number;
    for (size_t i = 0; i < lab.cases.size(); ++i) {
      const GradedCase& c = lab.cases[i];
      const bool failing = !c.passed() && c.status != CaseStatus::kNotRun;
      const bool first_failing = failing && first_failing_number.empty();
      if (first_failing) first_failing_number = number + "." + std::to_string(i + 1);
      bool passed = lab.status == LabStatus::kOk && c.passed();
      // The raw model's names: the sanitised ones may differ from the kit's.
      const std::string key = model.labs[l].id + "/" + model.labs[l].cases[i].name;
      const std::string seen_by = visibility.public_cases.count(key) ? "visible"
                                                                    : visibility.hidden_visibility;
      tests.push_back(Test(Line(lab.id) + " / " + Line(c.name), number + "." + std::to_string(i + 1),
                           CaseScore(lab, c), c.max_score, passed,
                           CaseOutput(lab, c, i == 0, first_failing,
                                      lab.status == LabStatus::kOk ? first_failing_number : first_number),
                           seen_by));
    }
  }
  nlohmann::json results = {
      {"score", result.score},
      {"output", Summary(result)},
      {"output_format", "text"},
      {"visibility", "visible"},
      {"stdout_visibility", "hidden"},
      {"tests", std::move(tests)},
  };
  CapOutputs(results);
  return results;
}

std::vector<std::string> ValidateGradescope(const nlohmann::json& results) {
  static const std::set<std::string> kVisibility = {"hidden", "after_due_date", "after_published",
                                                    "visible"};
  static const std::set<std::string> kFormats = {"text", "html", "simple_format", "md", "ansi"};
  static const std::set<std::string> kStatus = {"passed", "failed"};
  std::vector<std::string> problems;
  if (!results.is_object()) return {"results: not a JSON object"};

  // Checks an optional field's type and, for enumerations, its value.
  auto check = [&](const nlohmann::json& object, const std::string& where, const char* key,
                   const char* type, const std::set<std::string>* allowed = nullptr) {
    auto it = object.find(key);
    if (it == object.end()) return;
    std::string at = where + key;
    std::string want = type;
    bool ok = want == "number" ? it->is_number()
              : want == "string" ? it->is_string()
              : want == "object" ? it->is_object()
                                 : it->is_array();
    if (!ok) {
      problems.push_back(at + ": must be a " + want + ", not " + it->type_name());
    } else if (allowed && !allowed->count(it->get<std::string>())) {
      std::string list;
      for (const std::string& value : *allowed) list += (list.empty() ? "" : ", ") + value;
      problems.push_back(at + ": unknown value \"" + it->get<std::string>() + "\" (one of " + list + ")");
    }
  };
  auto score_within = [&](const nlohmann::json& object, const std::string& where) {
    auto score = object.find("score"), max = object.find("max_score");
    if (score != object.end() && max != object.end() && score->is_number() && max->is_number() &&
        score->get<double>() > max->get<double>()) {
      problems.push_back(where + "score: " + score->dump() + " is above max_score " + max->dump());
    }
  };

  check(results, "", "score", "number");
  check(results, "", "max_score", "number");
  check(results, "", "execution_time", "number");
  check(results, "", "output", "string");
  check(results, "", "output_format", "string", &kFormats);
  check(results, "", "test_output_format", "string", &kFormats);
  check(results, "", "test_name_format", "string", &kFormats);
  check(results, "", "visibility", "string", &kVisibility);
  check(results, "", "stdout_visibility", "string", &kVisibility);
  check(results, "", "extra_data", "object");
  check(results, "", "tests", "array");
  check(results, "", "leaderboard", "array");
  score_within(results, "");

  bool every_test_scored = true;
  auto tests = results.find("tests");
  if (tests != results.end() && tests->is_array() && !tests->empty()) {
    for (size_t i = 0; i < tests->size(); ++i) {
      const nlohmann::json& test = (*tests)[i];
      std::string where = "tests[" + std::to_string(i) + "].";
      if (!test.is_object()) {
        problems.push_back("tests[" + std::to_string(i) + "]: not a JSON object");
        every_test_scored = false;
        continue;
      }
      if (!test.contains("score")) every_test_scored = false;
      check(test, where, "score", "number");
      check(test, where, "max_score", "number");
      check(test, where, "status", "string", &kStatus);
      check(test, where, "name", "string");
      check(test, where, "name_format", "string", &kFormats);
      check(test, where, "number", "string");
      check(test, where, "output", "string");
      check(test, where, "output_format", "string", &kFormats);
      check(test, where, "tags", "array");
      check(test, where, "visibility", "string", &kVisibility);
      check(test, where, "extra_data", "object");
      score_within(test, where);
      auto tags = test.find("tags");
      if (tags != test.end() && tags->is_array()) {
        for (const nlohmann::json& tag : *tags) {
          if (!tag.is_string()) problems.push_back(where + "tags: every tag must be a string");
        }
      }
    }
  } else {
    every_test_scored = false;
  }
  // The specification makes the total optional only when every test has one.
  if (!results.contains("score") && !every_test_scored) {
    problems.push_back("score: missing, and not every test has a score");
  }
  return problems;
}

}  // namespace labkit::report
