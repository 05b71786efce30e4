#include "grader/grade/grader.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>

#include "grader/build/build_stage.h"
#include "grader/grade/work_dir.h"
#include "grader/judge/compare.h"
#include "grader/stage/stage.h"

namespace labkit::grade {
namespace {

namespace fs = std::filesystem;

// With LABKIT_TIMING set, each stage's wall time goes to stderr (bench uses it).
class StageTimer {
 public:
  explicit StageTimer(const char* stage)
      : stage_(stage), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer() {
    if (std::getenv("LABKIT_TIMING") == nullptr) return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::fprintf(stderr, "labkit timing: %-9s %.2f s\n", stage_, seconds);
  }

 private:
  const char* stage_;
  std::chrono::steady_clock::time_point start_;
};

constexpr const char* kLauncherLabel = "//grader/run:case_launcher";

// Each lab's trusted test binary, and the reference as a student library.
std::string TestsLabel(const std::string& lab) { return "//grader/hidden/" + lab + ":graded_tests"; }

}  // namespace

Grader::Grader(const std::string& root, std::vector<Lab> labs, int workers,
               int64_t case_memory_bytes)
    : root_(root),
      labs_(std::move(labs)),
      workers_(workers),
      case_memory_bytes_(case_memory_bytes),
      work_dir_(MakeWorkDir()),
      compile_cache_(work_dir_ + "/compiled"),
      precompiled_prefixes_(root_, work_dir_),
      student_linker_(work_dir_ + "/link-kit") {
  // What a killed grader left half way through keeping a precompiled prefix.
  RemoveAbandonedWorkDirs(root_ + "/.labkit/precompiled",
                          {build::kArrivingPrefix, build::kLeavingPrefix});
  // Its jail sessions' folders, where they are not in /tmp (MakeWorkDir's).
  if (run::SessionFolderParent() != "/tmp") {
    RemoveAbandonedWorkDirs(run::SessionFolderParent(), {"labkit-run."});
  }
}

// The kit's side, built with the first submission (one Bazel run, not two):
// the case launcher, the jail probe, each lab's reference and its cases.
void Grader::Prepare(const std::map<std::string, std::string>& kit) {
  StageTimer timer("prepare");
  isolation_ = run::ProbeIsolation(kit.at(kLauncherLabel), root_ + "/grader/run/jail_etc", workers_,
                                   case_memory_bytes_);
  for (const Lab& lab : labs_) {
    references_[lab.id].tests = kit.at(TestsLabel(lab.id));
    references_[lab.id].library = kit.at(build::ReferenceLibraryLabel(lab.id));
  }
  PrepareReferences();
  prepared_ = true;
}

void Grader::EnsurePrepared() {
  if (!prepared_) {
    Prepare(build::BuildSubmission(root_, "", {}, KitLabels(), work_dir_, student_linker_).kit);
  }
}

std::vector<std::string> Grader::KitLabels() const {
  if (prepared_) return {};
  std::vector<std::string> labels = {kLauncherLabel};
  for (const Lab& lab : labs_) {
    labels.push_back(TestsLabel(lab.id));
    labels.push_back(build::ReferenceLibraryLabel(lab.id));
  }
  return labels;
}

Grader::~Grader() {
  std::error_code ignored;
  fs::remove_all(work_dir_, ignored);
}

// Each lab's case list comes from its test binary (trusted: no student
// code in it), and each case's reference transcript from running it exactly
// as a submission's would run; both are cached until either binary changes.
void Grader::PrepareReferences() {
  ReferenceCache cache(root_ + "/.labkit/reference-transcripts.json");
  // The key changes with the reference, the launcher, the jail's setup and
  // the way transcripts are normalized.
  const std::string setup = Fingerprint(isolation_.launcher) +
                            (isolation_.jailed ? "-jail-" : "-bare-") + judge::kNormalizerVersion;
  for (auto& [id, reference] : references_) {
    const std::string key =
        Fingerprint(reference.tests) + "-" + Fingerprint(reference.library) + "-" + setup;
    reference.cases = run::ListCases(reference.tests);
    if (auto cached = cache.Find(id, key, reference.cases.size())) {
      reference.transcripts = std::move(*cached);
      continue;
    }
    std::vector<harness::CaseOutcome> outcomes =
        run::RunCases(isolation_, reference.tests, reference.library, reference.cases, workers_);
    for (size_t c = 0; c < outcomes.size(); ++c) {
      if (!outcomes[c].passed()) {  // once more, alone: a busy machine is not a broken kit
        outcomes[c] =
            run::RunCases(isolation_, reference.tests, reference.library, {reference.cases[c]}, 1)[0];
      }
      if (!outcomes[c].passed()) {
        throw std::runtime_error("the reference solution fails " + reference.cases[c].name +
                                 " on this machine (" + outcomes[c].reason +
                                 "), so no grade here would be fair; run ./labkit test");
      }
      reference.transcripts.push_back(judge::NormalizedTranscript(outcomes[c]));
    }
    cache.Store(id, key, reference.transcripts);
  }
  cache.Save();
}

Grader::Built Grader::StageAndBuild(const std::string& submission) {
  Built built;
  built.result.submission = submission;

  // Stage.
  built.stage_dir = work_dir_ + "/stage-" + std::to_string(++submissions_graded_);
  fs::create_directories(built.stage_dir);
  std::vector<stage::RubricLab> rubric;
  for (const Lab& lab : labs_) rubric.push_back({lab.id, lab.files});
  std::optional<StageTimer> timer(std::in_place, "stage");
  try {
    built.staged = stage::StageSubmission(submission, rubric, built.stage_dir);
  } catch (const stage::StageError& e) {
    std::error_code ignored;
    fs::remove_all(built.stage_dir, ignored);
    throw UnreadableSubmission(e.what());
  }
  built.result.warnings = built.staged.warnings;

  // Compile and link every complete lab in the jail; each fails on its own.
  std::vector<std::string> complete;
  for (const stage::StagedLab& lab : built.staged.labs) {
    if (lab.complete) complete.push_back(lab.id);
  }
  timer.emplace("build");
  const std::string bin_dir = built.stage_dir + "/bin";
  fs::create_directories(bin_dir);
  build::BuildOutcome outcome =
      build::BuildSubmission(root_, built.stage_dir, complete, KitLabels(),
                             prepared_ ? bin_dir : work_dir_, student_linker_,
                             &compile_cache_, &precompiled_prefixes_);
  built.labs = std::move(outcome.labs);
  if (!outcome.compile_note.empty()) built.result.warnings.push_back(outcome.compile_note);
  if (!prepared_) Prepare(outcome.kit);
  return built;
}

judge::GradeResult Grader::RunAndJudge(Built built) {
  StageTimer timer("run");
  judge::GradeResult result = std::move(built.result);
  result.isolation = isolation_.note;
  // Every case of every lab that built goes into one pool of workers.
  std::vector<run::CaseToRun> jobs;
  std::vector<std::pair<size_t, size_t>> origin;  // (lab, case) of each job
  for (size_t i = 0; i < labs_.size(); ++i) {
    const Lab& lab = labs_[i];
    const LabReference& reference = references_.at(lab.id);
    judge::GradedLab graded{lab.id, lab.title, 0, 0, judge::LabStatus::kOk, "", {}};
    for (const run::CaseInfo& info : reference.cases) graded.max_score += info.points;
    auto build = built.labs.find(lab.id);
    if (!built.staged.labs[i].complete) {
      graded.status = judge::LabStatus::kMissing;
      graded.detail = "not in the submission: ";
      for (const std::string& file : built.staged.labs[i].missing) {
        graded.detail += "labs/" + lab.id + "/" + file + " ";
      }
    } else if (build == built.labs.end() || !build->second.built) {
      graded.status = judge::LabStatus::kBuildFailed;
      graded.detail = build == built.labs.end() ? "" : build->second.errors;
    }
    for (size_t c = 0; c < reference.cases.size(); ++c) {
      const run::CaseInfo& info = reference.cases[c];
      graded.cases.push_back({info.name, 0, info.points, judge::CaseStatus::kNotRun,
                              graded.status == judge::LabStatus::kMissing ? "the lab's file is missing"
                                                                          : "the lab did not build",
                              {}, {}, -1, "", ""});
      if (graded.status == judge::LabStatus::kOk) {
        jobs.push_back({reference.tests, build->second.library, info.name, info.timeout_ms, 0});
        origin.emplace_back(i, c);
      }
    }
    result.max_score += graded.max_score;
    result.labs.push_back(std::move(graded));
  }
  std::vector<run::CaseRun> runs = run::RunMany(isolation_, jobs, workers_);
  int machine_errors = 0;
  for (size_t j = 0; j < runs.size(); ++j) {
    auto [lab, c] = origin[j];
    const run::CaseInfo& info = references_.at(labs_[lab].id).cases[c];
    judge::GradedLab& graded = result.labs[lab];
    graded.cases[c] = judge::JudgeAgainstReference(
        info.name, info.points, runs[j].outcome, references_.at(labs_[lab].id).transcripts[c]);
    graded.cases[c].peak_memory_bytes = runs[j].peak_memory_bytes;
    if (runs[j].killed_from_outside) {
      graded.cases[c].status = judge::CaseStatus::kMachineError;
      ++machine_errors;
    }
    graded.score += graded.cases[c].score;
    result.score += graded.cases[c].score;
  }
  if (machine_errors > 0) {
    result.warnings.push_back(std::to_string(machine_errors) +
                              " case(s) were stopped twice by the grading machine, not by the "
                              "submission (status machine_error): grade this submission again");
  }
  std::error_code ignored;
  fs::remove_all(built.stage_dir, ignored);
  return result;
}

judge::GradeResult Grader::Unreadable(const std::string& submission, const std::string& reason) {
  EnsurePrepared();
  judge::GradeResult result;
  result.submission = submission;
  result.isolation = isolation_.note;
  result.warnings.push_back(reason);
  for (const Lab& lab : labs_) {
    judge::GradedLab graded{lab.id, lab.title, 0, 0, judge::LabStatus::kMissing, reason, {}};
    for (const run::CaseInfo& info : references_.at(lab.id).cases) graded.max_score += info.points;
    result.max_score += graded.max_score;
    result.labs.push_back(std::move(graded));
  }
  return result;
}

judge::GradeResult Grader::Grade(const std::string& submission) {
  return RunAndJudge(StageAndBuild(submission));
}

void Grader::GradeAll(const std::vector<std::string>& submissions, const Done& done) {
  // A pipeline of two: the next submission is staged and built (Bazel, all
  // cores) while this one's cases run (mostly waiting on the kernel).
  auto start = [this](const std::string& path) {
    return std::async(std::launch::async, [this, path] { return StageAndBuild(path); });
  };
  if (submissions.empty()) return;
  if (!prepared_) EnsurePrepared();  // not from two threads at once
  std::future<Built> next = start(submissions[0]);
  for (size_t i = 0; i < submissions.size(); ++i) {
    std::future<Built> current = std::move(next);
    Built built;
    std::string error;
    try {
      built = current.get();
    } catch (const UnreadableSubmission& e) {
      // This submission cannot be read. Anything else (Bazel cannot run, the
      // kit does not build) stops the batch rather than record zeros.
      error = e.what();
    }
    if (i + 1 < submissions.size()) next = start(submissions[i + 1]);
    done(submissions[i],
         error.empty() ? RunAndJudge(std::move(built)) : Unreadable(submissions[i], error));
  }
}

}  // namespace labkit::grade
