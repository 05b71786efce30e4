// labkit test: the fixtures in which other graders of this kit run at the
// same time as this one, or before it (killed half way). Internal to
// labkit test (fixture_check.cc).
#pragma once

#include <future>
#include <string>
#include <vector>

#include "grader/cli/catalog.h"
#include "grader/cli/process.h"

namespace labkit::cli {

// Another grader of this kit, started now as `labkit grade SUBMISSION
// --json JSON`: for a fixture graded beside it (a second instructor's).
std::future<ProcessResult> GradeBeside(const std::string& submission, const std::string& json);

// What is wrong with that grade: any case short of passing.
std::vector<std::string> BesideProblems(const ProcessResult& run, const std::string& json_path);

// A class batch (three copies of the reference, in `dir`) killed after its
// first row and started again: each submission must end up with exactly
// one row, at full marks.
std::vector<std::string> ResumedBatchProblems(const std::string& root,
                                              const std::vector<Lab>& labs,
                                              const std::string& dir);

}  // namespace labkit::cli
