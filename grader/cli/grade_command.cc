// `labkit grade`: grades submissions (or a whole class) and writes reports.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/grade_pipeline.h"
#include "grader/cli/public_run.h"
#include "grader/cli/release.h"
#include "grader/report/report.h"
#include "grader/report/untrusted_text.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// The labs to grade: all, or those named with --lab.
std::vector<Lab> SelectLabs(const std::string& root, const std::vector<std::string>& queries) {
  std::vector<Lab> all = LoadCatalog(root);
  if (queries.empty()) return all;
  std::vector<Lab> chosen;
  for (const std::string& query : queries) {
    const Lab& lab = FindLab(all, query);
    if (std::none_of(chosen.begin(), chosen.end(), [&](const Lab& l) { return l.id == lab.id; })) {
      chosen.push_back(lab);
    }
  }
  return chosen;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!(out << text) || !out.flush()) throw UserError("cannot write " + path);
}

int Workers(int requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

// Gradescope shows the public cases to students at once, the others as the
// instructor chose.
report::GradescopeVisibility Visibility(const std::string& root, const GradeOptions& options) {
  report::GradescopeVisibility visibility;
  visibility.hidden_visibility = options.hidden_visibility;
  for (const Lab& lab : LoadCatalog(root)) {
    for (const std::string& name : PublicCaseNames(root, lab)) {
      visibility.public_cases.insert(lab.id + "/" + name);
    }
  }
  return visibility;
}

void WriteReports(const std::string& root, const judge::GradeResult& result,
                  const GradeOptions& options) {
  if (!options.json.empty()) WriteFile(options.json, report::JsonReport(result).dump(2) + "\n");
  if (!options.gradescope.empty()) {
    nlohmann::json results = report::GradescopeReport(result, Visibility(root, options));
    std::vector<std::string> problems = report::ValidateGradescope(results);
    if (!problems.empty()) {
      throw std::runtime_error("the Gradescope file would be invalid: " + problems.front());
    }
    WriteFile(options.gradescope, results.dump(2) + "\n");
  }
  if (!options.junit.empty()) WriteFile(options.junit, report::JunitReport(result));
  if (!options.markdown.empty()) WriteFile(options.markdown, report::MarkdownReport(result));
}

// Every entry of a class folder is one submission: a folder or an archive.
std::vector<std::string> ClassSubmissions(const std::string& dir) {
  if (!fs::is_directory(dir)) throw UserError(dir + " is not a folder of submissions");
  std::vector<std::string> submissions;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    submissions.push_back(entry.path().string());
  }
  std::sort(submissions.begin(), submissions.end());
  return submissions;
}

int GradeClass(const std::string& root, const GradeOptions& options) {
  if (options.out.empty()) throw UserError("--class needs --out GRADEBOOK.csv");
  std::vector<Lab> labs = SelectLabs(root, options.labs);
  std::vector<std::string> lab_ids;
  for (const Lab& lab : labs) lab_ids.push_back(lab.id);
  report::Gradebook gradebook = report::Gradebook::Open(options.out, lab_ids);
  std::vector<std::string> submissions = ClassSubmissions(options.class_dir);
  std::vector<std::string> todo;
  for (const std::string& path : submissions) {
    if (!gradebook.Has(fs::path(path).filename().string())) todo.push_back(path);
  }
  std::cout << Bold("Grading " + std::to_string(todo.size()) + " of " +
                    std::to_string(submissions.size()) + " submissions in " + options.class_dir)
            << (todo.size() < submissions.size() ? " (the others are already in " + options.out + ")"
                                                 : "")
            << "\n";
  if (!options.feedback_dir.empty()) fs::create_directories(options.feedback_dir);
  Grader grader(root, labs, Workers(options.jobs));
  std::cout << Dim(grader.isolation_note()) << "\n";
  int done = 0;
  // An unreadable submission still gets its row, at zero, with the reason.
  grader.GradeAll(todo, [&](const std::string& path, judge::GradeResult result) {
    const std::string name = fs::path(path).filename().string();
    result.submission = name;
    gradebook.Append(result);
    if (!options.feedback_dir.empty()) {
      WriteFile(options.feedback_dir + "/" + name + ".md", report::MarkdownReport(result));
    }
    // The folder's name and a staging warning (an archive entry's name) are
    // the student's: escaped, so they cannot redraw this line or the ones above.
    using report::untrusted::Clean, report::untrusted::Kind;
    const std::string warning = result.warnings.empty() ? "" : Clean(result.warnings.front(), Kind::kLine);
    std::cout << "  [" << ++done << "/" << todo.size() << "] " << Clean(name, Kind::kName) << ": "
              << result.score << "/" << result.max_score
              << (warning.empty() ? "" : Dim("  (" + warning + ")")) << "\n" << std::flush;
  });
  std::cout << "Gradebook: " << options.out << "\n";
  return kExitOk;
}


// A student copy has no hidden tests: its own labs/ against the public ones.
int GradePublicOnly(const std::string& root, const GradeOptions& options) {
  if (!options.submissions.empty() || !options.class_dir.empty()) {
    throw UserError("this student copy has no hidden tests, so it grades only its own labs/ "
                    "(run ./labkit grade with no submission)");
  }
  std::cout << "labkit: the hidden tests are not in this copy; grading labs/ against the "
               "public tests only.\n";
  int points = 0, max_points = 0;
  bool all_pass = true;
  for (const Lab& lab : SelectLabs(root, options.labs)) {
    const PublicRun run = RunPublicTests(root, lab);
    const bool ran = run.outcome == PublicRun::Outcome::kRan;
    all_pass = all_pass && ran && run.passed() == static_cast<int>(run.cases.size());
    points += run.points();
    max_points += run.max_points();
    std::cout << "  " << lab.number << "  " << lab.title << ": "
              << (ran ? std::to_string(run.points()) + "/" + std::to_string(run.max_points()) +
                            " public points"
                      : Red("does not build; ./labkit check " + lab.number + " says why"))
              << "\n";
  }
  std::cout << "Public total: " << points << "/" << max_points
            << ". Your course's grader runs more cases in the same style.\n";
  return all_pass ? kExitOk : kExitTestsFailed;
}

}  // namespace

int GradeSubmissions(const std::string& root, const GradeOptions& options) {
  if (IsStudentRelease(root)) return GradePublicOnly(root, options);
  if (!options.class_dir.empty()) {
    if (!options.submissions.empty()) {
      throw UserError("give either --class DIR or submissions, not both");
    }
    return GradeClass(root, options);
  }
  if (!options.out.empty()) throw UserError("--out goes with --class DIR");
  std::vector<std::string> submissions = options.submissions;
  if (submissions.empty()) submissions.push_back(root + "/labs");  // the working tree's own labs
  bool files = !options.json.empty() || !options.gradescope.empty() || !options.junit.empty() ||
               !options.markdown.empty();
  if (files && submissions.size() > 1) {
    throw UserError("report files (--json, --gradescope, --junit, --markdown) take one submission");
  }
  // Report paths are checked before grading, not after minutes of it.
  for (const std::string& path : {options.json, options.gradescope, options.junit, options.markdown}) {
    if (path.empty()) continue;
    const fs::path parent = fs::absolute(path).parent_path();
    if (!fs::is_directory(parent)) {
      throw UserError("cannot write " + path + ": there is no folder " + parent.string());
    }
  }
  for (const std::string& submission : submissions) {
    if (!fs::exists(fs::symlink_status(submission))) {
      throw UserError("no such submission: " + submission);
    }
  }
  Grader grader(root, SelectLabs(root, options.labs), Workers(options.jobs));
  bool full = true;
  for (const std::string& submission : submissions) {
    judge::GradeResult result = grader.Grade(submission);
    report::TerminalOptions view;
    view.colour = UseColour();
    view.width = TerminalWidth();
    view.all_failures = options.all_failures;
    std::cout << report::TerminalReport(result, view);
    WriteReports(root, result, options);
    full = full && result.score == result.max_score;
  }
  return full ? kExitOk : kExitTestsFailed;
}

}  // namespace labkit::cli
