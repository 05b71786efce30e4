// Reading and writing a whole file, and what a file that cannot be read gives.
#include "grader/files/whole_file.h"

#include <stdexcept>
#include <string>

#include "gtest/gtest.h"
#include "grader/testing/scratch.h"

namespace labkit::files {
namespace {

TEST(WholeFile, ReadsBackExactlyWhatWasWritten) {
  const std::string path = scratch::Dir("whole_file") + "/bytes";
  const std::string text("line one\nno newline at the end, and a \0 byte", 45);
  ASSERT_TRUE(WriteWholeFile(path, text));
  EXPECT_EQ(ReadWholeFile(path), text);
}

TEST(WholeFile, WritingReplacesWhatWasThere) {
  const std::string path = scratch::Dir("whole_file") + "/replaced";
  ASSERT_TRUE(WriteWholeFile(path, "a longer first version\n"));
  ASSERT_TRUE(WriteWholeFile(path, "short\n"));
  EXPECT_EQ(ReadWholeFile(path), "short\n");
}

TEST(WholeFile, AnEmptyFileIsAnEmptyString) {
  const std::string path = scratch::Dir("whole_file") + "/empty";
  ASSERT_TRUE(WriteWholeFile(path, ""));
  EXPECT_EQ(ReadWholeFile(path), std::string());
}

TEST(WholeFile, AMissingFileOrAFolderIsNothing) {
  const std::string dir = scratch::Dir("whole_file");
  EXPECT_EQ(ReadWholeFile(dir + "/missing"), std::nullopt);
  EXPECT_EQ(ReadWholeFile(dir), std::nullopt);
}

TEST(WholeFile, EachCallerSaysWhatAMissingFileMeans) {
  const std::string missing = scratch::Dir("whole_file") + "/missing";
  EXPECT_EQ(ReadWholeFileOrEmpty(missing), "");
  EXPECT_THROW(ReadWholeFileOrThrow(missing), std::runtime_error);
  ASSERT_TRUE(WriteWholeFile(missing, "now here"));
  EXPECT_EQ(ReadWholeFileOrThrow(missing), "now here");
}

TEST(WholeFile, WritingWhereNoFileCanBeIsRefused) {
  EXPECT_FALSE(WriteWholeFile(scratch::Dir("whole_file") + "/no/such/folder/file", "x"));
}

}  // namespace
}  // namespace labkit::files
