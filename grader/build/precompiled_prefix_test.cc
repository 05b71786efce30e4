// A lab skeleton's opening #include lines, precompiled: built once, kept for
// the next grader, built again when a file it was made from changes, and
// used by a student's compile without changing its object.
#include "grader/build/precompiled_prefix.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "grader/build/compile_jail.h"
#include "grader/build/include_prefix.h"

namespace labkit::build {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kSkeleton =
    "// Lab 99 - your code goes here.\n"
    "#include \"labs/99_demo/demo.h\"\n"
    "\n"
    "#include <string>\n"
    "\n"
    "namespace demo {\n"
    "Number Twice(Number n) { return n; }\n"
    "}  // namespace demo\n";

constexpr const char* kAnswer =
    "// Lab 99 - done.\n"
    "#include \"labs/99_demo/demo.h\"\n"
    "\n"
    "#include <string>\n"
    "#include <vector>\n"
    "\n"
    "namespace demo {\n"
    "Number Twice(Number n) { return static_cast<Number>(std::to_string(n).size()) * 0 + 2 * n; }\n"
    "}  // namespace demo\n";

const std::vector<std::string> kHeaders = {"labs/99_demo/demo.h", "labs/common/base.h"};

// A kit with one lab, in /tmp: Bazel's test folder is under /root, which
// the compile user could not enter.
class PrecompiledPrefixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!CompileIsolationHere().jailed) GTEST_SKIP() << "prefixes are used only in the jail";
    char dir[] = "/tmp/labkit-prefix-test.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
    fs::permissions(root_, fs::perms(0755));
    Write(root_ + "/kit/labs/common/base.h", "#pragma once\nnamespace demo { using Number = int; }\n");
    Write(root_ + "/kit/labs/99_demo/demo.h",
          "#pragma once\n#include \"labs/common/base.h\"\nnamespace demo { Number Twice(Number n); }\n");
    Write(root_ + "/kit/labs/99_demo/demo.cc", kSkeleton);
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  std::string Kit() const { return root_ + "/kit"; }
  std::string NewWorkDir() {
    const std::string dir = root_ + "/grader" + std::to_string(++graders_);
    fs::create_directories(dir);
    return dir;
  }

  // Compiles `text` as the lab's file, with `prefix_header` if given; the
  // object's bytes, or "" if it did not compile.
  std::string Compile(const std::string& text, const std::string& prefix_header = "") {
    const std::string n = std::to_string(++compiles_);
    Write(root_ + "/staged" + n + ".cc", text);
    CompileJob job{root_ + "/staged" + n + ".cc", "labs/99_demo/demo.cc", Kit(), kHeaders,
                   root_ + "/work" + n, root_ + "/object" + n + ".o", prefix_header, false};
    const CompileOutcome outcome = CompileInJail(job, LimitsFromEnvironment());
    return outcome.ok ? Read(job.object) : "";
  }

  std::string root_;
  int graders_ = 0, compiles_ = 0;
};

TEST_F(PrecompiledPrefixTest, IsBuiltOnceAndKeptForTheNextGrader) {
  PrecompiledPrefixes first(Kit(), NewWorkDir());
  const PrecompiledPrefixes::Prefix* prefix = first.For("99_demo", "demo.cc", kHeaders);
  ASSERT_NE(prefix, nullptr);
  EXPECT_EQ(prefix->includes,
            (std::vector<std::string>{"#include \"labs/99_demo/demo.h\"", "#include <string>"}));
  EXPECT_TRUE(fs::exists(prefix->header + ".gch"));
  EXPECT_EQ(first.For("99_demo", "demo.cc", kHeaders), prefix);
  EXPECT_EQ(first.built(), 1);

  PrecompiledPrefixes next(Kit(), NewWorkDir());
  ASSERT_NE(next.For("99_demo", "demo.cc", kHeaders), nullptr);
  EXPECT_EQ(next.built(), 0) << "the kept prefix was not found";
}

TEST_F(PrecompiledPrefixTest, IsBuiltAgainWhenAFileItWasMadeFromChanges) {
  PrecompiledPrefixes first(Kit(), NewWorkDir());
  ASSERT_NE(first.For("99_demo", "demo.cc", kHeaders), nullptr);
  // Two levels down: base.h is included by demo.h.
  Write(Kit() + "/labs/common/base.h", "#pragma once\nnamespace demo { using Number = long; }\n");
  PrecompiledPrefixes next(Kit(), NewWorkDir());
  ASSERT_NE(next.For("99_demo", "demo.cc", kHeaders), nullptr);
  EXPECT_EQ(next.built(), 1);
}

TEST_F(PrecompiledPrefixTest, IsNoneForASkeletonThatOpensWithCode) {
  Write(Kit() + "/labs/99_demo/demo.cc", "int x;\n#include <string>\n");
  PrecompiledPrefixes prefixes(Kit(), NewWorkDir());
  EXPECT_EQ(prefixes.For("99_demo", "demo.cc", kHeaders), nullptr);
}

TEST_F(PrecompiledPrefixTest, GivesAStudentsFileTheSameObjectAsAPlainCompile) {
  PrecompiledPrefixes prefixes(Kit(), NewWorkDir());
  const PrecompiledPrefixes::Prefix* prefix = prefixes.For("99_demo", "demo.cc", kHeaders);
  ASSERT_NE(prefix, nullptr);
  const std::optional<std::string> rewritten = WithPrefixHeader(kAnswer, prefix->includes);
  ASSERT_TRUE(rewritten.has_value());
  // Were the header's text read instead of its .gch, this would stop it.
  Write(prefix->header, "#error the precompiled header was not used\n");

  const std::string plain = Compile(kAnswer);
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(Compile(*rewritten, prefix->header), plain);
}

}  // namespace
}  // namespace labkit::build
