// How a header's text becomes the list the behaviour matrix is checked
// against: one function per unindented declaration, with its comment's step
// and errnos.
#include "grader/selftest/contract.h"

#include <gtest/gtest.h>

namespace labkit::selftest {
namespace {

TEST(Contract, ReadsEachFunctionWithItsStepAndErrnos) {
  const std::string header = R"(#pragma once
namespace labkit::lab99 {

// The three domains.
enum class Domain { kUnix, kInet };

// Step 2. Opens a socket. Fails with EAFNOSUPPORT, or EINVAL for a bad
// type; EOF and EXAMPLE are not errnos.
SysResult<int> OpenSocket(int domain,
                          int type);

struct Info {
  // Not a free function.
  bool operator==(const Info&) const = default;
};

// No step here; EWOULDBLOCK is an alias.
Status CloseSocket(int fd);
using Handler = std::function<bool(int)>;
}  // namespace labkit::lab99
)";
  const std::vector<DeclaredFunction> functions = ReadContract(header);
  ASSERT_EQ(functions.size(), 2u);
  EXPECT_EQ(functions[0].name, "OpenSocket");
  EXPECT_EQ(functions[0].step, 2);
  EXPECT_EQ(functions[0].errnos, (std::set<std::string>{"EAFNOSUPPORT", "EINVAL"}));
  EXPECT_EQ(functions[1].name, "CloseSocket");
  EXPECT_EQ(functions[1].step, 0);
  EXPECT_EQ(functions[1].errnos, (std::set<std::string>{"EWOULDBLOCK"}));
}

TEST(Contract, ABlankLineEndsTheCommentAboveAFunction) {
  const std::vector<DeclaredFunction> functions =
      ReadContract("// Step 1. About ENOENT.\n\nint Lonely();\n");
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(functions[0].step, 0);
  EXPECT_TRUE(functions[0].errnos.empty());
}

TEST(Contract, FindsTheStepsOfASkeletonsTodos) {
  EXPECT_EQ(TodoSteps("// TODO(step 1): x\n  // TODO(step 3): y\n// TODO(step 1) again\n"),
            (std::set<int>{1, 3}));
}

TEST(Contract, KnowsErrnoNames) {
  EXPECT_TRUE(IsErrnoName("ECONNREFUSED"));
  EXPECT_TRUE(IsErrnoName("EAGAIN"));
  EXPECT_FALSE(IsErrnoName("EOF"));
}

}  // namespace
}  // namespace labkit::selftest
