// main() of every graded suite. Under the grader (LABKIT_GRADE_MODE) a case
// process prints nothing of GoogleTest's own, so the output a report shows
// is the code under test's alone. In serve mode the suite runs, in a jail
// session, each case the grader asks for (session.h).
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_process.h"
#include "grader/harness/session.h"

namespace {

// In a case process forked by the session server: that case alone, as a
// case process of its own in run mode.
int RunOneCase(const std::string& name) {
  ::setenv(labkit::harness::kGradeModeVariable, "run", 1);
  GTEST_FLAG_SET(filter, name);
  return RUN_ALL_TESTS();
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = std::getenv(labkit::harness::kGradeModeVariable);
  if (mode != nullptr) {
    GTEST_FLAG_SET(brief, true);
    GTEST_FLAG_SET(print_time, false);
  }
  ::testing::InitGoogleTest(&argc, argv);
  if (mode != nullptr && std::string(mode) == "serve") {
    const char* fd = std::getenv(labkit::harness::session::kFdVariable);
    return labkit::harness::session::Serve(fd != nullptr ? std::atoi(fd) : -1, RunOneCase);
  }
  return RUN_ALL_TESTS();
}
