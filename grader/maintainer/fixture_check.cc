// `labkit test`, second half: the grader's own end-to-end tests. Every
// fixture of grader/fixtures/fixtures.json is graded through the whole
// pipeline (stage, build, jailed run, judge) and its scores are asserted.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"
#include "grader/files/whole_file.h"
#include "grader/grade/grader.h"
#include "grader/maintainer/fixture_graders.h"
#include "grader/maintainer/fixture_secrets.h"
#include "grader/maintainer/fixture_submissions.h"
#include "grader/maintainer/kit_checks.h"
#include "grader/report/untrusted_text.h"
#include "grader/run/jail.h"
#include "grader/run/proc_table.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kSecondsPerFixture = 120;  // the grader's bound for one submission
// Processes left by a case (a daemon, a fork bomb): any of the case users
// this grader holds (other graders on the machine hold others).
int LeftoverProcesses(const run::Isolation& isolation) {
  int count = 0;
  for (uid_t user : isolation.users ? isolation.users->users() : std::vector<uid_t>{}) {
    count += static_cast<int>(run::ProcessTable(user).size());
  }
  return count;
}

// An environment variable set for one fixture's grade only.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { old_ ? ::setenv(name_, old_->c_str(), 1) : ::unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// What is wrong with `result` for `fixture`; empty when it is as expected.
std::vector<std::string> Problems(const json& fixture, const judge::GradeResult& result,
                                  const std::string& root, bool jailed,
                                  const std::vector<Forbidden>& forbidden) {
  std::vector<std::string> problems;
  const std::string expect = fixture.value("expect", "hostile");
  for (const judge::GradedLab& lab : result.labs) {
    const std::string score = std::to_string(lab.score) + "/" + std::to_string(lab.max_score);
    if (lab.max_score <= 0) problems.push_back(lab.id + " is worth no points");
    bool hostile = expect == "hostile" && lab.id == kHostileLab;
    if (expect == "every lab 0" || hostile) {
      if (lab.score != 0) problems.push_back(lab.id + " earned " + score + " (expected 0)");
    } else if (lab.score != lab.max_score || lab.status != judge::LabStatus::kOk) {
      problems.push_back(lab.id + " scored " + score + " (" + judge::StatusName(lab.status) +
                         "), expected full marks");
    }
    if (!hostile) continue;
    // A name that is no status (a typo in fixtures.json) matches no lab.
    if (fixture.contains("status") &&
        judge::ParseLabStatus(fixture["status"].get<std::string>()) != lab.status) {
      problems.push_back(lab.id + " status is " + judge::StatusName(lab.status) + ", expected " +
                         fixture["status"].get<std::string>());
    }
    if (fixture.contains("case_status")) {
      const std::string wanted = fixture["case_status"];
      const std::optional<judge::CaseStatus> status = judge::ParseCaseStatus(wanted);
      if (std::none_of(lab.cases.begin(), lab.cases.end(),
                       [&](const judge::GradedCase& c) { return c.status == status; })) {
        problems.push_back("no case of " + lab.id + " has the status " + wanted);
      }
    }
    // The case's cgroup bounds all its processes together.
    if (fixture.contains("peak_memory_at_most")) {
      const long long limit = fixture["peak_memory_at_most"];
      long long highest = -1;
      for (const judge::GradedCase& c : lab.cases) highest = std::max(highest, c.peak_memory_bytes);
      if (highest < 0) problems.push_back("no case of " + lab.id + " had its peak memory measured");
      if (highest > limit) {
        problems.push_back("a case of " + lab.id + " used " + std::to_string(highest >> 20) +
                           " MiB at its peak, over the case's limit");
      }
    }
    const std::string detail = fixture.value("detail", "");
    if (lab.detail.find(detail) == std::string::npos) {
      problems.push_back(lab.id + " does not say \"" + detail + "\" but: " + lab.detail.substr(0, 300));
    }
    for (const std::string& host : fixture.value("detail_excludes", std::vector<std::string>{})) {
      if (lab.detail.find(host) != std::string::npos) {
        problems.push_back(lab.id + "'s detail names " + host + ": " + lab.detail.substr(0, 300));
      }
    }
    if (fixture.contains("reason")) {
      bool seen = false;
      for (const judge::GradedCase& c : lab.cases) {
        seen = seen || c.reason.find(fixture["reason"].get<std::string>()) != std::string::npos;
      }
      if (!seen) {
        problems.push_back("no case of " + lab.id + " failed with \"" +
                           fixture["reason"].get<std::string>() + "\"; the first said: " +
                           (lab.cases.empty() ? "(no cases)" : lab.cases.front().reason));
      }
    }
    for (const std::string& unwanted : fixture.value("reason_excludes", std::vector<std::string>{})) {
      for (const judge::GradedCase& c : lab.cases) {
        if (c.reason.find(unwanted) != std::string::npos) {
          problems.push_back(c.name + " failed with \"" + unwanted + "\": " + c.reason.substr(0, 300));
          break;
        }
      }
    }
  }
  for (const std::string& wanted : fixture.value("warnings", std::vector<std::string>{})) {
    bool seen = false;
    for (const std::string& warning : result.warnings) {
      seen = seen || warning.find(wanted) != std::string::npos;
    }
    if (!seen) problems.push_back("no staging warning mentions \"" + wanted + "\"");
  }
  for (const std::string& leak : Leaks(forbidden, result)) problems.push_back(leak);
  for (const judge::GradedLab& lab : result.labs) {
    for (const judge::GradedCase& c : lab.cases) {
      if (fixture.contains("output_cap") && c.output.size() > fixture["output_cap"].get<size_t>()) {
        problems.push_back(c.name + " kept " + std::to_string(c.output.size()) + " bytes of output");
      }
    }
  }
  std::vector<std::string> absent = fixture.value("absent_files", std::vector<std::string>{});
  if (jailed) {
    // Without the jail, /tmp is shared: nothing stops a case writing there.
    for (const std::string& path :
         fixture.value("absent_files_when_jailed", std::vector<std::string>{})) {
      absent.push_back(path);
    }
  }
  for (std::string path : absent) {
    ReplaceAll(path, "{{ROOT}}", root);
    if (fs::exists(fs::symlink_status(path))) problems.push_back("a case created " + path);
  }
  return problems;
}

// A class batch over `class_dir` (the fixture's formula-named folder and the
// escaping archive), then a grade of the folder alone with every report file:
// no gradebook cell is a formula, and nothing printed or written holds ESC,
// BEL, CR or U+202E raw, though each shows the submission's escaped.
std::vector<std::string> ViewProblems(const std::string& class_dir, const std::string& folder,
                                      const std::string& dir) {
  std::vector<std::string> problems;
  auto check = [&](const std::string& where, const std::string& text, const std::string& shown) {
    size_t raw = std::min(text.find_first_of("\x1b\x07\r"), text.find("\xE2\x80\xAE"));
    if (raw != std::string::npos) problems.push_back(where + " holds a raw " + text.substr(raw, 1));
    if (text.find(shown) == std::string::npos) problems.push_back(where + " does not show " + shown);
  };
  const std::string book = dir + "/gradebook.csv";
  ProcessResult batch = RunProcess({LabkitProgram(), "grade", "--class", class_dir, "--out", book}, true);
  if (batch.exit_code != 0) problems.push_back("the class batch failed: " + batch.output);
  check("the class batch's output", batch.output, "\\x1b[2K\\r\\x1b[1A  [1/2] ok: 215/215\\x07");
  const std::string csv = files::ReadWholeFileOrThrow(book);
  check("the gradebook", csv, "\n\"'" + folder.substr(0, 10));
  for (size_t at = 0; (at = csv.find('\n', at)) != std::string::npos; ++at) {
    if (csv.compare(at + 1, 1, "=") == 0 || csv.compare(at + 1, 2, "\"=") == 0) {
      problems.push_back("the gradebook has a formula cell: " + csv.substr(at + 1, 40));
    }
  }
  const std::string json = dir + "/grade.json", junit = dir + "/grade.xml", md = dir + "/grade.md",
                    gradescope = dir + "/results.json";
  ProcessResult grade = RunProcess({LabkitProgram(), "grade", class_dir + "/" + folder, "--json", json,
                                    "--junit", junit, "--markdown", md, "--gradescope", gradescope},
                                   true);
  if (grade.exit_code != kExitTestsFailed) {
    problems.push_back("the grade exited with " + std::to_string(grade.exit_code) + ": " + grade.output);
  }
  check("the terminal report", grade.output, "\\x1b]0;owned\\x07");
  for (const std::string& file : {json, junit, md, gradescope}) {
    check(file, files::ReadWholeFileOrThrow(file), "x1b]0;owned");
  }
  return problems;
}

// One line per fixture: a tick, or a cross and each problem beneath it.
void Tell(const std::string& name, double seconds, const std::vector<std::string>& problems,
          FixtureTally& tally) {
  char time[32];
  std::snprintf(time, sizeof time, " (%.1f s)", seconds);
  (problems.empty() ? tally.passed : tally.failed)++;
  std::cout << "  " << (problems.empty() ? Green("✓") : Red("✗")) << " " << name << Dim(time)
            << "\n";
  for (const std::string& problem : problems) {
    // A problem may quote what a hostile fixture printed: shown escaped.
    std::cout << "      " << report::untrusted::Clean(problem, report::untrusted::Kind::kBlock) << "\n";
  }
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

FixtureTally CheckGraderFixtures(const std::string& root) {
  const json fixtures =
      json::parse(files::ReadWholeFileOrThrow(root + "/grader/fixtures/fixtures.json"));
  const std::vector<Lab> labs = LoadCatalog(root);
  const std::string absolute_root = fs::canonical(root);
  const int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  grade::Grader grader(root, labs, workers);
  std::cout << "\n" << Bold("labkit test: the grader's fixtures") << Dim("  (" + grader.isolation_note() + ")") << "\n";
  char dir_template[] = "/tmp/labkit-fixtures.XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("cannot create a temp folder");
  const std::string dir = dir_template;
  FixtureTally tally;
  int number = 0;
  for (const json& fixture : fixtures["fixtures"]) {
    const std::string name = fixture.value("name", "?");
    // LABKIT_FIXTURE=text runs only the fixtures whose names contain it.
    const char* only = std::getenv("LABKIT_FIXTURE");
    if (only != nullptr && name.find(only) == std::string::npos) continue;
    if (fixture.value("jail_only", false) && !grader.jailed()) {
      std::cout << "  - " << name << Dim(": skipped, it needs the jail") << "\n";
      continue;
    }
    if (fixture.contains("secret_file") && ::geteuid() != 0) {
      std::cout << "  - " << name << Dim(": skipped, it needs root") << "\n";
      continue;
    }
    if (fixture.value("cgroup_only", false) && !grader.isolation().cgroups.usable()) {
      std::cout << "  - " << name << Dim(": skipped, it needs cgroups (" +
                                         grader.isolation().cgroups.description() + ")")
                << "\n";
      continue;
    }
    const std::string work = dir + "/" + std::to_string(++number);
    fs::create_directories(work);
    std::string submission;
    if (fixture.contains("submission")) {
      submission = root + "/" + fixture["submission"].get<std::string>();
    } else if (fixture.contains("archive")) {
      submission = fixture["archive"] == "bomb" ? BombArchive(root, labs, work)
                                                : EscapingArchive(root, labs, work);
    } else {
      std::string behaviour = fixture.value("behaviour", "");
      std::string top_level = fixture.value("top_level", "");
      ReplaceAll(behaviour, "{{ROOT}}", absolute_root);
      ReplaceAll(top_level, "{{ROOT}}", absolute_root);
      // With "class_folder", the submission is that folder of a class, beside
      // the escaping archive, and the views are checked too (ViewProblems).
      const bool in_class = fixture.contains("class_folder");
      submission = HostileSubmission(root, labs, behaviour, top_level,
                                     work + (in_class ? "/class/" : "/") +
                                         fixture.value("class_folder", "submission"));
      if (in_class) EscapingArchive(root, labs, work + "/class");
    }
    // What an earlier run may have left must not count against this one.
    for (const char* key : {"absent_files", "absent_files_when_jailed"}) {
      for (std::string path : fixture.value(key, std::vector<std::string>{})) {
        ReplaceAll(path, "{{ROOT}}", absolute_root);
        fs::remove(path);
      }
    }
    std::vector<Forbidden> forbidden;
    for (const std::string& text : fixture.value("forbidden_output", std::vector<std::string>{})) {
      forbidden.push_back({text, "fixtures.json (\"" + text + "\")"});
    }
    for (std::string path : fixture.value("forbidden_files", std::vector<std::string>{})) {
      ReplaceAll(path, "{{ROOT}}", absolute_root);
      forbidden.push_back({FirstLine(path), path});
    }
    const auto start = std::chrono::steady_clock::now();
    std::future<ProcessResult> beside;
    if (fixture.contains("beside")) {
      beside = GradeBeside(root + "/" + fixture["beside"].get<std::string>(), work + "/beside.json");
    }
    // A fixture with a case memory limit of its own gets a grader of its own
    // (a smaller limit is reached in time even on a busy machine).
    std::optional<grade::Grader> own;
    if (fixture.contains("case_memory_mib")) {
      own.emplace(root, labs, workers, fixture["case_memory_mib"].get<int64_t>() << 20);
    }
    grade::Grader& grading = own ? *own : grader;
    std::vector<std::string> problems;
    const std::string refusal = fixture.value("refused", "");
    try {
      std::optional<PlantedSecret> secret;
      if (fixture.contains("secret_file")) {
        secret.emplace(fixture["secret_file"].get<std::string>());
        forbidden.push_back({secret->line(), fixture["secret_file"].get<std::string>()});
      }
      // A fixture that must hit the compile's wall clock sets a short one.
      std::optional<ScopedEnv> compile_seconds;
      if (fixture.contains("compile_seconds")) {
        compile_seconds.emplace("LABKIT_COMPILE_SECONDS",
                                std::to_string(fixture["compile_seconds"].get<int>()));
      }
      problems = Problems(fixture, grading.Grade(submission), absolute_root, grading.jailed(),
                          forbidden);
      if (!refusal.empty()) problems.push_back("it was graded, not refused with \"" + refusal + "\"");
    } catch (const grade::UnreadableSubmission& e) {
      // A submission refused as a whole: the one line the user sees must say why.
      const std::string said = e.what();
      if (refusal.empty() || said.find(refusal) == std::string::npos ||
          said.find('\n') != std::string::npos) {
        problems.push_back("grading refused it: " + said);
      }
    } catch (const std::exception& e) {
      problems.push_back(std::string("grading failed: ") + e.what());
    }
    if (beside.valid()) {
      for (std::string& problem : BesideProblems(beside.get(), work + "/beside.json")) {
        problems.push_back(std::move(problem));
      }
    }
    const double seconds = SecondsSince(start);
    if (seconds > kSecondsPerFixture) {
      problems.push_back("grading took " + std::to_string(seconds) + " s");
    }
    // Two more grades, each with its own bound (their cases' timeouts), so
    // not counted against this one's.
    try {
      if (fixture.contains("class_folder")) {
        for (std::string& problem : ViewProblems(work + "/class", fixture["class_folder"], work)) {
          problems.push_back(std::move(problem));
        }
      }
    } catch (const std::exception& e) {
      problems.push_back(std::string("checking the views failed: ") + e.what());
    }
    if (int left = LeftoverProcesses(grading.isolation()); left > 0) {
      problems.push_back(std::to_string(left) + " process(es) of the case users outlived grading");
    }
    if (int left = run::RunFoldersOf(::getpid()); left > 0) {
      problems.push_back(std::to_string(left) + " case or session folder(s) outlived grading");
    }
    Tell(name, seconds, problems, tally);
  }
  // Class batches resume: run one, kill it half way, start it again.
  const auto start = std::chrono::steady_clock::now();
  Tell("a class batch killed half way and started again", SecondsSince(start),
       ResumedBatchProblems(root, labs, dir + "/resume"), tally);
  std::error_code ignored;
  fs::remove_all(dir, ignored);
  return tally;
}

}  // namespace labkit::cli
