// What a class batch's compile cache gives back, and what it never does.
#include "grader/build/compile_cache.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "grader/testing/scratch.h"

namespace labkit::build {
namespace {

constexpr const char* kPath = "labs/01_socket/socket_lab.cc";
constexpr const char* kText = "int Answer() { return 42; }\n";

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class CompileCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch::Dir("compile_cache");
    Write(dir_ + "/first.o", "the first object");
  }
  std::string dir_;
  CompileCache cache_{scratch::Path("compile_cache_kept")};
};

TEST_F(CompileCacheTest, TheSameTextAtTheSamePathGivesItsOutcomeAndACopyOfItsObject) {
  cache_.Store(kPath, kText, {true, "a warning\n", false, {}}, dir_ + "/first.o");
  Write(dir_ + "/first.o", "changed since");  // the cache kept its own copy

  std::optional<CompileOutcome> found = cache_.Find(kPath, kText, dir_ + "/again.o");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->ok);
  EXPECT_EQ(found->messages, "a warning\n");
  EXPECT_EQ(Read(dir_ + "/again.o"), "the first object");
}

TEST_F(CompileCacheTest, AnyOtherTextOrPathIsCompiledAfresh) {
  cache_.Store(kPath, kText, {true, "", false, {}}, dir_ + "/first.o");
  // One byte more (a comment, a space) is another file.
  EXPECT_FALSE(cache_.Find(kPath, std::string(kText) + " ", dir_ + "/x.o").has_value());
  // The same text as another lab's file: its path is in its object (-frandom-seed).
  EXPECT_FALSE(cache_.Find("labs/02_bind/bind_lab.cc", kText, dir_ + "/x.o").has_value());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.o"));
}

TEST_F(CompileCacheTest, AFileThatDidNotCompileIsCompiledAgain) {
  // Its failure may have been a time limit on a busy machine.
  cache_.Store(kPath, "not C++", {false, "compilation stopped after 60 s\n", true, {}}, dir_ + "/none.o");
  EXPECT_FALSE(cache_.Find(kPath, "not C++", dir_ + "/again.o").has_value());
  EXPECT_EQ(cache_.size(), 0u);
}

TEST_F(CompileCacheTest, TheFirstOutcomeOfAFileStays) {
  cache_.Store(kPath, kText, {true, "first\n", false, {}}, dir_ + "/first.o");
  cache_.Store(kPath, kText, {true, "second\n", false, {}}, dir_ + "/first.o");
  EXPECT_EQ(cache_.size(), 1u);
  EXPECT_EQ(cache_.Find(kPath, kText, dir_ + "/again.o")->messages, "first\n");
}

}  // namespace
}  // namespace labkit::build
