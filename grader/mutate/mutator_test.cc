// Each operator of the mutator, shown on a line of the kind the reference
// solutions hold: what it changes, and what it leaves alone.
#include "grader/mutate/mutator.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace labkit::mutate {
namespace {

// The changed lines (as `after`) that operator `op` makes of `source`.
std::vector<std::string> Afters(const std::string& source, const std::string& op) {
  std::vector<std::string> afters;
  for (const Mutant& mutant : Mutate(source, op)) afters.push_back(mutant.after);
  return afters;
}

const char kBody[] = "int F(int fd) {\n  %s\n  return 0;\n}\n";

std::string InBody(const std::string& line) {
  std::string source = kBody;
  return source.replace(source.find("%s"), 2, line);
}

TEST(Mutator, FlipsEachComparison) {
  EXPECT_EQ(Afters(InBody("if (fd < 0 || n == 2) return -1;"), "flip-comparison"),
            (std::vector<std::string>{"if (fd <= 0 || n == 2) return -1;",
                                      "if (fd < 0 || n != 2) return -1;"}));
}

TEST(Mutator, LeavesStringsCommentsAndIncludesAlone) {
  const std::string source =
      "#include <a.h>\n// if (a < b) 1\nint F() {\n  g(\"a < b, 7\");  // x < 2\n  return 0;\n}\n";
  EXPECT_TRUE(Afters(source, "flip-comparison").empty());
  EXPECT_EQ(Afters(source, "shift-constant"),
            (std::vector<std::string>{"return -1;", "return 1;"}));
}

TEST(Mutator, DropsANegation) {
  EXPECT_EQ(Afters(InBody("if (!Read(fd) || x != 1) return -1;"), "drop-negation"),
            (std::vector<std::string>{"if (Read(fd) || x != 1) return -1;"}));
}

TEST(Mutator, ShiftsLengthsByOne) {
  EXPECT_EQ(Afters(InBody("n = sizeof address.sun_path + p.size();"), "shift-length"),
            (std::vector<std::string>{"n = (sizeof address.sun_path - 1) + p.size();",
                                      "n = (sizeof address.sun_path + 1) + p.size();",
                                      "n = sizeof address.sun_path + p.size() - 1;",
                                      "n = sizeof address.sun_path + p.size() + 1;"}));
}

TEST(Mutator, DropsOneFlagOfAMask) {
  EXPECT_EQ(Afters(InBody("g(SOCK_STREAM | SOCK_NONBLOCK, flags | MSG_NOSIGNAL);"), "drop-flag"),
            (std::vector<std::string>{"g(SOCK_STREAM, flags | MSG_NOSIGNAL);",
                                      "g(SOCK_NONBLOCK, flags | MSG_NOSIGNAL);",
                                      "g(SOCK_STREAM | SOCK_NONBLOCK, flags);",
                                      "g(SOCK_STREAM | SOCK_NONBLOCK, MSG_NOSIGNAL);"}));
}

TEST(Mutator, ForgetsAByteOrderConversion) {
  EXPECT_EQ(Afters(InBody("a.sin_port = ::htons(port + 1);"), "drop-byte-order"),
            (std::vector<std::string>{"a.sin_port = port + 1;"}));
}

TEST(Mutator, SwapsNeighbouringArguments) {
  EXPECT_EQ(Afters(InBody("fd = ::socket(domain, type, 0);"), "swap-arguments"),
            (std::vector<std::string>{"fd = ::socket(type, domain, 0);",
                                      "fd = ::socket(domain, 0, type);"}));
}

TEST(Mutator, ReportsAnErrorAsSuccess) {
  EXPECT_EQ(Afters(InBody("if (fd < 0) return SysResult<int>::Error(errno);"), "error-as-success"),
            (std::vector<std::string>{"if (fd < 0) return SysResult<int>::Ok();"}));
}

TEST(Mutator, DeletesStatementsButNotDeclarationsOrTheLastReturn) {
  const std::string source =
      "int F(int fd) {\n  sockaddr_in a{};\n  ::close(fd);\n  if (fd < 0) return -1;\n"
      "  return 0;\n}\n";
  std::vector<Mutant> mutants = Mutate(source, "delete-statement");
  ASSERT_EQ(mutants.size(), 2u);
  EXPECT_EQ(mutants[0].before, "::close(fd);");
  EXPECT_EQ(mutants[0].line, 3);
  EXPECT_EQ(mutants[1].before, "if (fd < 0) return -1;");
  EXPECT_EQ(mutants[1].source.find("return -1"), std::string::npos);
}

TEST(Mutator, ReturnsSuccessBeforeTheWork) {
  EXPECT_EQ(Afters("SysResult<int> Open(int d,\n                    int t) {\n  return X();\n}\n",
                   "return-early"),
            (std::vector<std::string>{"int t) { return SysResult<int>::Ok();"}));
}

TEST(Mutator, GivesEachMutantAStableDistinctId) {
  const std::string source = InBody("x = a < b; y = a < b;");
  std::vector<Mutant> first = Mutate(source), again = Mutate("// moved\n" + source);
  ASSERT_EQ(first.size(), again.size());
  std::vector<std::string> ids;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id, again[i].id) << "an id must not depend on the line number";
    ids.push_back(first[i].id);
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "two mutants share an id";
}

}  // namespace
}  // namespace labkit::mutate
