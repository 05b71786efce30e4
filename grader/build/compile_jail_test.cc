// The compile jail: what a student's file can see while it compiles, the
// limits that stop a compiler, and the messages a student gets back.
#include "grader/build/compile_jail.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace labkit::build {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSecret = "labkit-compile-test-secret-3f9a";

void Write(const fs::path& path, const std::string& text, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  fs::permissions(path, mode);
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A kit with one lab (99_demo) and a secret beside it, in /tmp: Bazel's
// test folder is under /root, which the compile user could not enter.
class CompileJailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/labkit-compile-test.XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
    ::chmod(dir, 0755);  // so only the secret's own mode guards it
    Write(root_ + "/kit/labs/common/base.h", "#pragma once\nnamespace demo { using Number = int; }\n");
    Write(root_ + "/kit/labs/99_demo/demo.h",
          "#pragma once\n#include \"labs/common/base.h\"\nnamespace demo { Number Twice(Number n); }\n");
    Write(root_ + "/kit/grader/hidden/secret.txt", std::string(kSecret) + "\n");
    Write(root_ + "/root-only.txt", std::string(kSecret) + "\n", fs::perms::owner_read);
  }
  void TearDown() override { fs::remove_all(root_); }

  static CompileLimits Quick() {
    CompileLimits limits;
    limits.seconds = 30;
    return limits;
  }

  CompileOutcome Compile(const std::string& source, const CompileLimits& limits = Quick()) {
    const std::string n = std::to_string(++compiles_);
    Write(root_ + "/staged/demo" + n + ".cc", source);
    CompileJob job{root_ + "/staged/demo" + n + ".cc", "labs/99_demo/demo.cc", root_ + "/kit",
                   {"labs/99_demo/demo.h", "labs/common/base.h"}, root_ + "/work" + n,
                   root_ + "/demo" + n + ".o", "", false};
    object_ = job.object;
    return CompileInJail(job, limits);
  }

  std::string root_, object_;
  int compiles_ = 0;
};

TEST_F(CompileJailTest, CompilesWithTheLabsHeadersIntoAnObject) {
  CompileOutcome outcome = Compile(
      "#include \"labs/99_demo/demo.h\"\nnamespace demo { Number Twice(Number n) { return 2 * n; } }\n");
  EXPECT_TRUE(outcome.ok) << outcome.messages;
  EXPECT_EQ(Read(object_).substr(0, 4), "\x7f" "ELF");
}

TEST_F(CompileJailTest, NamesFilesByTheirKitPathsOnly) {
  CompileOutcome outcome = Compile(
      "#include \"labs/99_demo/demo.h\"\nnamespace demo { Number Twice(Number n) { return n.size(); } }\n");
  EXPECT_FALSE(outcome.ok);
  EXPECT_NE(outcome.messages.find("labs/99_demo/demo.cc:2:"), std::string::npos) << outcome.messages;
  for (const std::string& host : {root_, std::string("/kit/"), std::string("/out/"), std::string("/tmp/")}) {
    EXPECT_EQ(outcome.messages.find(host), std::string::npos) << host << " in:\n" << outcome.messages;
  }
}

TEST_F(CompileJailTest, SeesNoFileOfTheHostOrTheKitTree) {
  if (!CompileIsolationHere().jailed) GTEST_SKIP() << CompileIsolationHere().note;
  const std::string secret = root_ + "/kit/grader/hidden/secret.txt";
  std::string probes;
  for (const std::string& path : {std::string("/etc/passwd"), std::string("/proc/self/status"),
                                  std::string("/root/.bashrc"), secret}) {
    probes += "#if __has_include(\"" + path + "\")\n#error sees " + path + "\n#endif\n";
  }
  CompileOutcome probe = Compile(probes + "#if !__has_include(<cstdio>)\n#error no /usr\n#endif\n");
  EXPECT_TRUE(probe.ok) << probe.messages;
  for (const std::string& path : {secret, std::string("/etc/passwd"),
                                  std::string("/proc/self/cwd/../kit/grader/hidden/secret.txt")}) {
    CompileOutcome incbin = Compile("asm(\".incbin \\\"" + path + "\\\"\");\n");
    EXPECT_FALSE(incbin.ok) << path;
    CompileOutcome include = Compile("#include \"" + path + "\"\n");
    EXPECT_FALSE(include.ok) << path;
    EXPECT_EQ((incbin.messages + include.messages).find(kSecret), std::string::npos);
  }
}

TEST_F(CompileJailTest, ReadsNoFileOnlyRootMayRead) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a root-only file";
  CompileOutcome outcome = Compile("#include \"" + root_ + "/root-only.txt\"\n");
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.messages.find(kSecret), std::string::npos) << outcome.messages;
}

TEST_F(CompileJailTest, StopsACompileThatRunsPastTheWallClock) {
  CompileLimits limits = Quick();
  limits.seconds = 2;
  // Each evaluation stays under GCC's constexpr limits; twenty of them do not.
  std::string source =
      "template <unsigned long N> constexpr unsigned long Spin() {\n"
      "  unsigned long x = N;\n"
      "  for (unsigned long i = 0; i < 2000; ++i)\n"
      "    for (unsigned long j = 0; j < 2000; ++j) x += i ^ j;\n"
      "  return x;\n"
      "}\n";
  for (int i = 0; i < 20; ++i) {
    source += "constexpr unsigned long k" + std::to_string(i) + " = Spin<" + std::to_string(i) + ">();\n";
  }
  const auto start = std::chrono::steady_clock::now();
  CompileOutcome outcome = Compile(source, limits);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.messages.rfind("compilation stopped after 2 s\n", 0), 0u) << outcome.messages;
  EXPECT_TRUE(outcome.limit_reached);
  EXPECT_LT(seconds, 10);
}

TEST_F(CompileJailTest, StopsACompilerThatRunsOutOfMemory) {
  CompileLimits limits = Quick();
  limits.memory_bytes = 512ull << 20;
  // Each macro doubles the one before: 2^30 string literals.
  std::string source = "#define A0 \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n";
  for (int i = 1; i <= 30; ++i) {
    source += "#define A" + std::to_string(i) + " A" + std::to_string(i - 1) + " A" +
              std::to_string(i - 1) + "\n";
  }
  source += "const char* big = A30;\n";
  CompileOutcome outcome = Compile(source, limits);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.messages.rfind("the compiler ran out of memory", 0), 0u) << outcome.messages;
  EXPECT_TRUE(outcome.limit_reached);
}

TEST_F(CompileJailTest, StopsAnObjectOverTheFileSizeLimit) {
  CompileLimits limits = Quick();
  limits.file_bytes = 1 << 20;
  CompileOutcome outcome = Compile(
      "asm(\".section .rodata\\n.rept 4096\\n.fill 1024, 1, 7\\n.endr\\n.previous\");\n", limits);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.messages.rfind("the compiler's output went over 1 MiB", 0), 0u)
      << outcome.messages;
}

TEST_F(CompileJailTest, KeepsOnlyTheFirstMessages) {
  std::string source;
  for (int i = 0; i < 400; ++i) source += "int broken" + std::to_string(i) + " = ;\n";
  CompileOutcome outcome = Compile(source);
  EXPECT_FALSE(outcome.limit_reached);  // an error, not a limit
  EXPECT_FALSE(outcome.ok);
  EXPECT_LE(outcome.messages.size(), Quick().message_bytes + 100);
  EXPECT_NE(outcome.messages.find("labs/99_demo/demo.cc:1:"), std::string::npos);
  EXPECT_NE(outcome.messages.find("is not shown]"), std::string::npos) << outcome.messages;
}

TEST(CompileLimitsTest, TakesTheWallClockFromTheEnvironment) {
  ::setenv("LABKIT_COMPILE_SECONDS", "7", 1);
  EXPECT_EQ(LimitsFromEnvironment().seconds, 7);
  ::setenv("LABKIT_COMPILE_SECONDS", "forever", 1);
  EXPECT_EQ(LimitsFromEnvironment().seconds, 60);
  ::unsetenv("LABKIT_COMPILE_SECONDS");
  EXPECT_EQ(LimitsFromEnvironment().seconds, 60);
}

}  // namespace
}  // namespace labkit::build
