// The labkit subcommands. Each returns the process exit code (see main.cc).
#pragma once

#include <string>
#include <vector>

namespace labkit::cli {

enum ExitCode {
  kExitOk = 0,
  kExitTestsFailed = 1,
  kExitUsage = 2,
  kExitBuildFailed = 4,
};

int ListLabs(const std::string& root);
int CheckLab(const std::string& root, const std::string& lab_query);
int ShowStatus(const std::string& root);
int TestKit(const std::string& root, int runs, bool fresh, bool fixtures_only);

// bench/grade_bench.sh: medians and ratios of grading times.
int RunBenchmark(const std::string& root, int runs, int class_size, bool expunge);

// Grades grader/fixtures/fixtures.json end to end.
struct FixtureTally {
  int passed = 0, failed = 0;
};
FixtureTally CheckGraderFixtures(const std::string& root);

struct GradeOptions {
  std::vector<std::string> submissions;  // none: the working tree's labs/
  std::vector<std::string> labs;         // --lab: grade only these
  std::string json, gradescope, junit, markdown;  // report files
  std::string class_dir, out, feedback_dir;       // class batches
  int jobs = 0;                                   // cases at once; 0: one per core
};
int GradeSubmissions(const std::string& root, const GradeOptions& options);

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
