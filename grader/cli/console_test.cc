// The class batch's progress line ends with the time left at the pace so far.
#include "grader/cli/console.h"

#include <gtest/gtest.h>

namespace labkit::cli {
namespace {

TEST(TimeLeft, NothingBeforeTheFirstOrAfterTheLast) {
  EXPECT_EQ(TimeLeft(0.0, 0, 100), "");
  EXPECT_EQ(TimeLeft(500.0, 100, 100), "");
}

TEST(TimeLeft, MinutesAtThePaceSoFar) {
  // 10 done in 50 s: 90 more at 5 s each is 450 s.
  EXPECT_EQ(TimeLeft(50.0, 10, 100), "about 8 min left");
  EXPECT_EQ(TimeLeft(5.0, 1, 13), "about 1 min left");
}

TEST(TimeLeft, UnderAMinuteInStepsOfFiveSeconds) {
  EXPECT_EQ(TimeLeft(5.0, 1, 2), "about 5 s left");
  EXPECT_EQ(TimeLeft(12.0, 2, 3), "about 10 s left");
  EXPECT_EQ(TimeLeft(1.0, 1, 2), "about 5 s left");
}

}  // namespace
}  // namespace labkit::cli
