#include "grader/mutate/survivor_list.h"

#include <gtest/gtest.h>

namespace labkit::mutate {
namespace {

TEST(SurvivorList, ReadsTheIdOfEachListedMutant) {
  const auto survivors = ReadSurvivorList(
      "# Lab 01\n\nSome prose with `code`.\n"
      "- `drop-flag:1a2b3c4d` line 31, `a | b` -> `a`: the flag is 0 here\n"
      "- `shift-constant:00ff00ff`: same\n- not an entry\n");
  ASSERT_EQ(survivors.size(), 2u);
  EXPECT_EQ(survivors.count("drop-flag:1a2b3c4d"), 1u);
  EXPECT_EQ(survivors.at("shift-constant:00ff00ff"), "- `shift-constant:00ff00ff`: same");
}

}  // namespace
}  // namespace labkit::mutate
