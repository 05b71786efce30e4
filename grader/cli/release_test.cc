// The student copy: its secret-line scan finds a solution's line wherever it
// hides, and not the lines a lab's public files share with the solution.
#include "grader/cli/release.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "grader/cli/catalog.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

std::string Dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp ? tmp : "/tmp") + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void Write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

TEST(Release, SecretLinesAreTheSolutionsOwnNotTheSharedSignatures) {
  const std::string kit = Dir("kit");
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
  const std::string copy = Dir("copy");
  Write(copy + "/handouts/01.md", "Like this:\n    if (nonblocking) type |= SOCK_NONBLOCK | SOCK_CLOEXEC;\n");
  Write(copy + "/labs/01_socket/socket_lab.cc", "int x;\n");
  const auto leaks = FindLeaks(copy, {"if (nonblocking) type |= SOCK_NONBLOCK | SOCK_CLOEXEC;"});
  ASSERT_EQ(leaks.size(), 1u);
  EXPECT_EQ(leaks[0].rfind("handouts/01.md: ", 0), 0u) << leaks[0];
}

TEST(Release, RefusesAnOutThatExistsOrHasNoParent) {
  const std::string kit = Dir("kit2");
  EXPECT_THROW(WriteRelease(kit, kit), UserError);
  EXPECT_THROW(WriteRelease(kit, kit + "/no/such/parent/out"), UserError);
}

TEST(Release, KnowsAStudentCopyByWhatItLacks) {
  const std::string copy = Dir("copy2");
  EXPECT_TRUE(IsStudentRelease(copy));
  fs::create_directories(copy + "/solutions");
  EXPECT_FALSE(IsStudentRelease(copy));
}

}  // namespace
}  // namespace labkit::cli
