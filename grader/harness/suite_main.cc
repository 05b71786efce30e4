// main() of every graded suite. Under the grader (LABKIT_GRADE_MODE) a case
// process prints nothing of GoogleTest's own, so the output a report shows
// is the code under test's alone.
#include <cstdlib>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  if (std::getenv("LABKIT_GRADE_MODE") != nullptr) {
    GTEST_FLAG_SET(brief, true);
    GTEST_FLAG_SET(print_time, false);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
