#include "grader/testing/scratch.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace labkit::scratch {
namespace {

namespace fs = std::filesystem;

TEST(Scratch, DirIsEmptyEvenWhenAnEarlierRunLeftFilesThere) {
  const std::string first = Dir("left_over");
  std::ofstream(first + "/old.txt") << "from before";
  const std::string again = Dir("left_over");
  EXPECT_EQ(first, again);
  EXPECT_TRUE(fs::is_directory(again));
  EXPECT_TRUE(fs::is_empty(again));
}

TEST(Scratch, PathIsFreeAndInsideTheTestsOwnFolder) {
  std::ofstream(Dir("base") + "/../taken") << "x";
  const std::string path = Path("taken");
  EXPECT_FALSE(fs::exists(path));
  const char* base = std::getenv("TEST_TMPDIR");
  ASSERT_NE(base, nullptr) << "run under bazel test";
  EXPECT_EQ(path, std::string(base) + "/taken");
}

}  // namespace
}  // namespace labkit::scratch
