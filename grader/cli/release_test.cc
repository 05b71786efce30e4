// The student copy: its secret-line scan finds a solution's line wherever it
// hides, and not the lines a lab's public files share with the solution.
#include "grader/cli/release.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "grader/cli/catalog.h"
#include "grader/cli/process.h"
#include "grader/testing/scratch.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(Release, SecretLinesAreTheSolutionsOwnNotTheSharedSignatures) {
  const std::string kit = scratch::Dir("kit");
  Write(kit + "/labs/01_socket/socket_lab.cc",
        "SysResult<int> OpenSocket(int domain, int type, int protocol) {\n  return Error(ENOSYS);\n}\n");
  Write(kit + "/solutions/01_socket/socket_lab.cc",
        "SysResult<int> OpenSocket(int domain, int type, int protocol) {\n"
        "  if (nonblocking) type |= SOCK_NONBLOCK | SOCK_CLOEXEC;\n  return fd;\n}\n");
  Write(kit + "/grader/hidden/01_socket/mutants/m.patch",
        "--- a/socket_lab.cc\n+++ b/socket_lab.cc\n-  int fd = ::socket(domain, type, protocol);\n");
  EXPECT_EQ(SecretLines(kit),
            (std::vector<std::string>{"if (nonblocking) type |= SOCK_NONBLOCK | SOCK_CLOEXEC;",
                                      "int fd = ::socket(domain, type, protocol);"}));
}

TEST(Release, FindsASecretLineInAnyFileOfTheCopy) {
  const std::string copy = scratch::Dir("copy");
  Write(copy + "/handouts/01.md", "Like this:\n    if (nonblocking) type |= SOCK_NONBLOCK | SOCK_CLOEXEC;\n");
  Write(copy + "/labs/01_socket/socket_lab.cc", "int x;\n");
  const auto leaks = FindLeaks(copy, {"if (nonblocking) type |= SOCK_NONBLOCK | SOCK_CLOEXEC;"});
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].rfind("handouts/01.md: ", 0), 0u) << leaks[0];
}

TEST(Release, RefusesAnOutThatExistsOrHasNoParent) {
  const std::string kit = scratch::Dir("kit2");
  EXPECT_THROW(WriteRelease(kit, kit), UserError);
  EXPECT_THROW(WriteRelease(kit, kit + "/no/such/parent/out"), UserError);
}

TEST(Release, KnowsAStudentCopyByWhatItLacks) {
  const std::string copy = scratch::Dir("copy2");
  EXPECT_TRUE(IsStudentRelease(copy));
  fs::create_directories(copy + "/solutions");
  EXPECT_FALSE(IsStudentRelease(copy));
}

std::string g_classroom_check;  // argv[1]: grader/cli/classroom_check.py

// A kit of two labs whose public tests are worth 3 (2 + a case that names
// no points, so 1) and 4 points.
std::string TwoLabKit(const std::string& name) {
  const std::string kit = scratch::Dir(name);
  Write(kit + "/labs/labs.json", R"({"labs": [
    {"id": "01_socket", "title": "socket(): ask", "files": ["socket_lab.cc"], "handout": "h1.md"},
    {"id": "06_send_recv", "title": "send and recv", "files": ["send_recv_lab.cc"], "handout": "h6.md"}]})");
  Write(kit + "/labs/01_socket/public_test.cc",
        "TEST(Socket, A) {\n  RunCase({.points = 2}, [](Script& s) {});\n}\n"
        "TEST(Socket, B) {\n  RunCase({.timeout_ms = 5000}, [](Script& s) {});\n}\n");
  Write(kit + "/labs/06_send_recv/public_test.cc",
        "TEST(SendRecv, A) {\n  RunCase({.points = 4, .timeout_ms = 9000}, [](Script& s) {});\n}\n");
  return kit;
}

// classroom_check.py on `workflow`: its exit code and output.
ProcessResult CheckWorkflow(const std::string& kit, const std::string& workflow) {
  Write(kit + "/classroom.yml", workflow);
  ProcessOptions options;
  options.capture = true;
  options.timeout_seconds = 60;
  return RunProcess({"/usr/bin/python3", g_classroom_check, kit + "/classroom.yml", kit + "/labs/labs.json"},
                    options);
}

TEST(Release, PublicPointsAreTheCasesPointsWithOneForACaseThatNamesNone) {
  const std::string kit = TwoLabKit("points");
  const std::vector<Lab> labs = LoadCatalog(kit);
  EXPECT_EQ(PublicPoints(kit, labs[0]), 3);
  EXPECT_EQ(PublicPoints(kit, labs[1]), 4);
  Write(kit + "/labs/06_send_recv/public_test.cc", "TEST(SendRecv, A) {\n  RunTheCaseSomeOtherWay();\n}\n");
  EXPECT_THROW(PublicPoints(kit, labs[1]), std::runtime_error);
}

TEST(Release, TheClassroomWorkflowHasAStepPerLabWorthItsPublicPoints) {
  const std::string kit = TwoLabKit("workflow");
  const std::string workflow = ClassroomWorkflow(kit);
  EXPECT_NE(workflow.find("runs-on: ubuntu-24.04\n"), std::string::npos);
  EXPECT_NE(workflow.find("command: sudo ./labkit check 01\n        timeout: 10\n        max-score: 3\n"),
            std::string::npos) << workflow;
  EXPECT_NE(workflow.find("command: sudo ./labkit check 06\n        timeout: 10\n        max-score: 4\n"),
            std::string::npos) << workflow;
  EXPECT_NE(workflow.find("LAB-06-SEND-RECV_RESULTS: \"${{steps.lab-06-send-recv.outputs.result}}\""),
            std::string::npos) << workflow;
  EXPECT_NE(workflow.find("runners: lab-01-socket,lab-06-send-recv\n"), std::string::npos) << workflow;

  const ProcessResult parsed = CheckWorkflow(kit, workflow);
  EXPECT_EQ(parsed.exit_code, 0) << parsed.output;
  EXPECT_NE(parsed.output.find(R"("command": "sudo ./labkit check 06", "timeout_minutes": 10, "max_score": 4)"),
            std::string::npos) << parsed.output;
}

TEST(Release, TheWorkflowCheckNamesWhatDisagreesWithTheCatalogue) {
  const std::string kit = TwoLabKit("broken");
  const std::string good = ClassroomWorkflow(kit);
  auto without = [&](const std::string& text) {
    std::string changed = good;
    const size_t at = changed.find(text);
    EXPECT_NE(at, std::string::npos) << text;
    return at == std::string::npos ? changed : changed.erase(at, text.size());
  };
  const std::vector<std::pair<std::string, std::string>> cases = {
      {without("        timeout: 10\n"), "step lab-01-socket: timeout None is not 1 to 60 minutes"},
      {without("        LAB-01-SOCKET_RESULTS: \"${{steps.lab-01-socket.outputs.result}}\"\n"),
       "the reporter's env LAB-01-SOCKET_RESULTS is None"},
      {without(",lab-06-send-recv"), "the reporter's runners are ['lab-01-socket']"},
      {without("    runs-on: ubuntu-24.04\n"), "runs on None, not ubuntu-24.04"},
  };
  for (const auto& [workflow, problem] : cases) {
    const ProcessResult parsed = CheckWorkflow(kit, workflow);
    EXPECT_EQ(parsed.exit_code, 1) << problem;
    EXPECT_NE(parsed.output.find(problem), std::string::npos) << parsed.output;
  }
  // A lab added to the catalogue after the workflow was written.
  Write(kit + "/labs/labs.json", R"({"labs": [{"id": "01_socket"}, {"id": "06_send_recv"}, {"id": "08_poll"}]})");
  const ProcessResult stale = CheckWorkflow(kit, good);
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.output.find("labs/labs.json wants one per lab, in order"), std::string::npos) << stale.output;
}

// The copy builds the CLI, so it needs every grader package the CLI's
// targets name (grader/cli/BUILD, in this test's data): a package added
// there and not to ReleasedPaths would break every student's first build.
TEST(Release, HoldsEveryGraderPackageTheCommandLineIsBuiltFrom) {
  std::ifstream in("grader/cli/BUILD");
  ASSERT_TRUE(in) << "grader/cli/BUILD is not in the test's data";
  const std::string build((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::vector<std::string>& released = ReleasedPaths();
  int named = 0;
  for (size_t at = build.find("\"//grader/"); at != std::string::npos;
       at = build.find("\"//grader/", at + 1)) {
    const size_t line = build.rfind('\n', at) + 1;
    if (build.substr(line, at - line).find("visibility") != std::string::npos) {
      continue;  // who may use a target, not what it is built from
    }
    const size_t start = at + 3;  // past "//
    const std::string package = build.substr(start, build.find_first_of(":\"", start) - start);
    ++named;
    EXPECT_NE(std::find(released.begin(), released.end(), package), released.end())
        << package << " is a dependency of the CLI but not in ReleasedPaths()";
  }
  EXPECT_GT(named, 0) << "no //grader/ dependency found in grader/cli/BUILD";
}

}  // namespace
}  // namespace labkit::cli

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc > 1) labkit::cli::g_classroom_check = argv[1];
  return RUN_ALL_TESTS();
}
