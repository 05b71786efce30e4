// Each lab function a program names in its messages ("finish step 1 in
// labs/03_listen/listen_lab.cc") is defined in that skeleton file, and its
// body there holds that TODO(step N): the programs' catalogue
// (labs/common/programs/lab_steps.h) agrees with the labs.
#include "labs/common/programs/lab_steps.h"

#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "grader/files/whole_file.h"

namespace labkit::programs {
namespace {

class LabStepTest : public ::testing::TestWithParam<LabStep> {};

// The body of `function` in `source`: from the line that defines it (at
// the start of a line) to the first line that is only "}".
std::string BodyOf(const std::string& source, const std::string& function) {
  const std::regex definition("^\\S.*\\b" + function + "\\(");
  std::istringstream lines(source);
  std::string body;
  bool inside = false;
  for (std::string line; std::getline(lines, line);) {
    if (!inside && std::regex_search(line, definition) && !line.ends_with(";")) inside = true;
    if (!inside) continue;
    body += line + "\n";
    if (line == "}") break;
  }
  return body;
}

TEST_P(LabStepTest, IsItsFunctionsStepInTheSkeleton) {
  const LabStep& step = GetParam();
  const std::string source = files::ReadWholeFileOrEmpty(step.file);
  ASSERT_FALSE(source.empty()) << step.file << " is missing or empty";
  const std::string body = BodyOf(source, step.function);
  ASSERT_FALSE(body.empty()) << step.file << " defines no " << step.function;
  std::smatch todo;
  ASSERT_TRUE(std::regex_search(body, todo, std::regex("TODO\\(step (\\d+)\\)")))
      << step.function << " in " << step.file << " has no TODO(step N):\n" << body;
  EXPECT_EQ(std::stoi(todo[1].str()), step.step)
      << step.function << " is step " << todo[1].str() << " in " << step.file
      << ", but lab_steps.h says step " << step.step;
}

INSTANTIATE_TEST_SUITE_P(Programs, LabStepTest, ::testing::ValuesIn(steps::kAll),
                         [](const ::testing::TestParamInfo<LabStep>& info) {
                           return std::string(info.param.function);
                         });

}  // namespace
}  // namespace labkit::programs
