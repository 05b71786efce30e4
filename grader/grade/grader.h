// The grading pipeline: stage -> build -> run -> judge, for one submission
// at a time, with everything that does not depend on the submission (the
// reference suites, their case lists and transcripts, the jail probe) done
// once per Grader and the reference transcripts cached on disk.
#pragma once

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "grader/build/build_stage.h"
#include "grader/build/student_link.h"
#include "grader/catalog/lab.h"
#include "grader/grade/reference_cache.h"
#include "grader/judge/grade_result.h"
#include "grader/run/jail.h"
#include "grader/run/run_stage.h"
#include "grader/stage/stage.h"

namespace labkit::grade {

using catalog::Lab;

// A submission that cannot be read at all (see stage.h): the one line says
// why. Anything else thrown (Bazel cannot run, the kit does not build, the
// reference fails) is the kit's or the machine's fault.
struct UnreadableSubmission : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Grader {
 public:
  // Grades `labs`, `workers` cases at once. The kit's own pieces are built
  // with the first submission. `case_memory_bytes`: see run::ProbeIsolation.
  Grader(const std::string& root, std::vector<Lab> labs, int workers,
         int64_t case_memory_bytes = 0);
  ~Grader();
  Grader(const Grader&) = delete;
  Grader& operator=(const Grader&) = delete;

  // Grades one submission (see stage.h for what it may be). Throws
  // UnreadableSubmission when it cannot be read at all.
  judge::GradeResult Grade(const std::string& submission);

  // Grades many, in order, building each while the one before runs. `done`
  // gets each result (Unreadable's, with the one-line reason, for a
  // submission that could not be read).
  // The result of a submission that could not be read: every lab missing.
  judge::GradeResult Unreadable(const std::string& submission, const std::string& reason);

  using Done = std::function<void(const std::string& submission, judge::GradeResult result)>;
  void GradeAll(const std::vector<std::string>& submissions, const Done& done);

  // How cases are isolated (builds the kit's side first if no grade has).
  const std::string& isolation_note() {
    EnsurePrepared();
    return isolation_.note;
  }
  bool jailed() {
    EnsurePrepared();
    return isolation_.jailed;
  }
  const run::Isolation& isolation() {
    EnsurePrepared();
    return isolation_;
  }

 private:
  struct LabReference {
    std::string tests;    // the lab's test binary, the same for every submission
    std::string library;  // the reference solution as a student library
    std::vector<run::CaseInfo> cases;
    std::vector<Transcript> transcripts;  // per case, normalized
  };
  struct Built {  // a submission staged and built, its cases not run yet
    judge::GradeResult result;
    std::string stage_dir;
    stage::StageResult staged;
    std::map<std::string, build::LabBuild> labs;
  };
  Built StageAndBuild(const std::string& submission);
  judge::GradeResult RunAndJudge(Built built);
  void Prepare(const std::map<std::string, std::string>& kit);
  void EnsurePrepared();
  std::vector<std::string> KitLabels() const;
  void PrepareReferences();

  std::string root_;
  std::vector<Lab> labs_;
  int workers_;
  int64_t case_memory_bytes_;
  std::string work_dir_;
  // Files met before in this batch (untouched skeletons, say) are not
  // compiled again.
  build::CompileCache compile_cache_;
  build::PrecompiledPrefixes precompiled_prefixes_;
  build::StudentLinker student_linker_;  // learns each lab's link with the kit's build
  run::Isolation isolation_;
  std::map<std::string, LabReference> references_;
  int submissions_graded_ = 0;
  bool prepared_ = false;
};

}  // namespace labkit::grade
