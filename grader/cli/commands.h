// The labkit subcommands. Each returns the process exit code (exit_codes.h).
#pragma once

#include <string>
#include <vector>

#include "grader/cli/catalog.h"
#include "grader/cli/exit_codes.h"

namespace labkit::cli {

int ListLabs(const std::string& root);
// No lab: the current one (the first whose public cases do not all pass).
// Each lab shows its first failing case in full, or every one with `all`.
int CheckLab(const std::string& root, const std::vector<std::string>& lab_queries, bool all);
int CheckOneLab(const std::string& root, const Lab& lab, bool all);

// The next tiered hint (labs/NN/hints.json) for the first failing case.
int ShowHint(const std::string& root, const std::string& lab_query, bool reset);

// Checks the lab again each time one of its files is saved (inotify).
int WatchLab(const std::string& root, const std::string& lab_query);
int ShowStatus(const std::string& root);

// `run`: builds a lab's program (labs/NN/programs/) from the student's code
// and execs it with the rest of `words` (LAB PROGRAM ARGS...) as its
// arguments; returns only when it cannot. `run --list` lists the programs.
int RunLabProgram(const std::string& root, const std::vector<std::string>& words);
int ListLabPrograms(const std::string& root);
int TestKit(const std::string& root, int runs, bool fresh, bool fixtures_only, bool release_only,
            bool gradescope_only, bool shards_only);

// bench/grade_bench.sh: medians and ratios of grading times.
int RunBenchmark(const std::string& root, int runs, int class_size, bool expunge);

// What a check of the kit found: checks that passed and failed. The
// fixtures and the class shards are checked by grader/maintainer:kit_checks.
struct FixtureTally {
  int passed = 0, failed = 0;
};

struct GradeOptions {
  std::vector<std::string> submissions;  // none: the working tree's labs/
  std::vector<std::string> labs;         // --lab: grade only these
  std::string json, gradescope, junit, markdown;  // report files
  std::string hidden_visibility = "after_published";  // of hidden cases on Gradescope
  std::string class_dir, out, feedback_dir;       // class batches
  std::string shard;                              // --shard K/N: this slice of the class
  bool regrade = false;                           // replace rows already in the gradebook
  int jobs = 0;                                   // cases at once; 0: one per core
  bool all_failures = false;                      // every failing case in full, not the first
};
int GradeSubmissions(const std::string& root, const GradeOptions& options);

// `gradebook merge`: the shards' gradebooks joined into `out` (refused if it
// exists, unless `force`).
int MergeGradebookFiles(const std::vector<std::string>& inputs, const std::string& out, bool force);

// The student copy (grader/cli/release.h), and the check `test` runs on one.
int ReleaseKit(const std::string& root, const std::string& out);
FixtureTally CheckRelease(const std::string& root);

// Gradescope: the autograder zip, and the check `test` runs on one.
int MakeGradescopeAutograder(const std::string& root, const std::string& out,
                             const std::string& hidden_visibility);
FixtureTally CheckGradescopeAutograder(const std::string& root);

// Mutation testing of the graded suites (grader/mutate).
struct MutateOptions {
  std::vector<std::string> labs;  // none: every lab
  std::string only_operator;      // none: every operator
  std::string json;               // write every mutant's fate here
  int jobs = 0;                   // mutants at once; 0: one per core
  int goal_percent = 95;          // exit 1 when a lab scores below it
  bool list = false;              // only list the mutants
  bool keep = false;              // keep the work folder
};
int MutateLabs(const std::string& root, const MutateOptions& options);

}  // namespace labkit::cli
