// RunProcess: output, exit codes, working folder, environment and the time
// limit that kills a program with everything it started.
#include "grader/cli/process.h"

#include <gtest/gtest.h>

namespace labkit::cli {
namespace {

TEST(Process, CapturesOutputAndExitCode) {
  ProcessResult result = RunProcess({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, true);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "out\nerr\n");
  EXPECT_FALSE(result.timed_out);
}

TEST(Process, RunsInTheFolderAndEnvironmentAsked) {
  ProcessOptions options;
  options.capture = true;
  options.cwd = "/";
  options.env = {"LABKIT_PROCESS_TEST=x=1"};
  ProcessResult result =
      RunProcess({"/bin/sh", "-c", "pwd; echo \"$LABKIT_PROCESS_TEST\""}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "/\nx=1\n");
}

TEST(Process, KillsTheProgramAndItsChildrenAtTheTimeLimit) {
  // The shell's child holds the output file open; if it outlived the limit,
  // reading that file would still end, but the child would leak.
  ProcessOptions options;
  options.capture = true;
  options.timeout_seconds = 1;
  ProcessResult result = RunProcess({"/bin/sh", "-c", "sleep 60 & sleep 60; echo never"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_EQ(result.exit_code, 128 + 9);
  EXPECT_EQ(result.output, "");
}

TEST(Process, HandsOverEachLineWhileItRunsAndKeepsTheOutput) {
  ProcessOptions options;
  options.capture = true;
  std::vector<std::string> lines;
  options.on_line = [&lines](const std::string& line) { lines.push_back(line); };
  ProcessResult result = RunProcess({"/bin/sh", "-c", "echo one; echo two >&2; printf three"}, options);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(result.output, "one\ntwo\nthree");
}

TEST(Process, SaysWhenAProgramCannotRun) {
  ProcessResult result = RunProcess({"/nonexistent/labkit-program"}, true);
  EXPECT_EQ(result.exit_code, 127);
  EXPECT_NE(result.output.find("cannot run /nonexistent/labkit-program"), std::string::npos);
}

}  // namespace
}  // namespace labkit::cli
