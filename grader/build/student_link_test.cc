// A student library is linked by the command Bazel used for the lab's
// reference, read from its params file, with the student's objects in
// place of the reference's, in the compile jail.
#include "grader/build/student_link.h"

#include <dlfcn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "grader/testing/scratch.h"

namespace labkit::build {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOutput = "bazel-out/k8/bin/grader/hidden/09_demo/reference_student.so";
constexpr const char* kServer = "bazel-out/k8/bin/grader/hidden/09_demo/_objs/call_server/server.pic.o";
constexpr const char* kReferenceObject =
    "bazel-out/k8/bin/grader/hidden/09_demo/_objs/reference/demo_lab.pic.o";

// The shape of Bazel's params file for a lab's reference library.
std::string Params() {
  return std::string("-shared\n-o\n") + kOutput + "\n-Wl,-S\n-fuse-ld=gold\n-Wl,-whole-archive\n" + kServer +
         "\n-Wl,-no-whole-archive\n-Wl,--start-lib\n" + kReferenceObject +
         "\n-Wl,--end-lib\n-Wl,-z,defs\n-lm\n";
}

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// Compiles C `source` into an object at `object` (trusted test input).
void CompileC(const fs::path& object, const std::string& source) {
  const fs::path c = object.string() + ".c";
  Write(c, source);
  const std::string command = "/usr/bin/gcc -fPIC -c -o " + object.string() + " " + c.string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

TEST(ParseLinkParamsTest, PutsTheStudentsObjectsWhereTheReferencesWere) {
  const LinkRecipe recipe = ParseLinkParams(Params(), "09_demo");
  const std::vector<std::string> expected = {
      "-shared", "-o", kLinkOutputMark, "-Wl,-S", "-fuse-ld=gold", "-Wl,-whole-archive", kServer,
      "-Wl,-no-whole-archive", "-Wl,--start-lib", kStudentObjectsMark, "-Wl,--end-lib",
      "-Wl,-z,defs", "-lm"};
  EXPECT_EQ(recipe.arguments, expected);
  EXPECT_EQ(recipe.kit_inputs, std::vector<std::string>{kServer});
}

TEST(ParseLinkParamsTest, RefusesTheLinkOfAnotherLab) {
  EXPECT_THROW(ParseLinkParams(Params(), "01_socket"), std::runtime_error);
}

TEST(ParseLinkParamsTest, RefusesAQuotedArgument) {
  EXPECT_THROW(ParseLinkParams(Params() + "'-Wl,--version-script=a b'\n", "09_demo"),
               std::runtime_error);
}

TEST(ParseLinkParamsTest, RefusesALinkWithoutAnOutput) {
  EXPECT_THROW(ParseLinkParams(std::string("-shared\n") + kReferenceObject + "\n", "09_demo"),
               std::runtime_error);
}

class StudentLinkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = scratch::Dir("student_link");
    exec_root_ = dir_ + "/execroot";
    // What Bazel left: the reference library, its params, the kit's object.
    Write(fs::path(exec_root_) / kOutput, "not read");
    Write(fs::path(exec_root_) / (std::string(kOutput) + "-2.params"), Params());
    CompileC(fs::path(exec_root_) / kServer,
             "extern int demo_answer(void);\nint served_answer(void) { return demo_answer(); }\n");
  }

  std::string dir_, exec_root_;
};

TEST_F(StudentLinkerTest, LearnsOnlyAReferenceLibrarysLink) {
  StudentLinker linker(dir_ + "/keep");
  linker.LearnFromKit("//grader/run:case_launcher", exec_root_ + "/bazel-out/k8/bin/launcher");
  EXPECT_FALSE(linker.Knows("09_demo"));
  linker.LearnFromKit(ReferenceLibraryLabel("09_demo"), exec_root_ + "/" + kOutput);
  EXPECT_TRUE(linker.Knows("09_demo"));
}

TEST_F(StudentLinkerTest, LinksTheStudentsObjectWithTheKitsCopiedAway) {
  StudentLinker linker(dir_ + "/keep");
  linker.LearnFromKit(ReferenceLibraryLabel("09_demo"), exec_root_ + "/" + kOutput);
  // Another Bazel run may replace the kit's objects: the linker kept a copy.
  fs::remove(fs::path(exec_root_) / kServer);
  const fs::path object = dir_ + "/objects/demo_lab.pic.o";
  CompileC(object, "int demo_answer(void) { return 42; }\n");

  const std::string library = dir_ + "/demo_student.so";
  const CompileOutcome linked = linker.Link("09_demo", {object}, dir_ + "/link", library, {});
  ASSERT_TRUE(linked.ok) << linked.messages;
  void* loaded = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(loaded, nullptr) << ::dlerror();
  auto served = reinterpret_cast<int (*)()>(::dlsym(loaded, "served_answer"));
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served(), 42);
  ::dlclose(loaded);
}

TEST_F(StudentLinkerTest, AMissingFunctionFailsTheLinkWithTheLinkersWords) {
  StudentLinker linker(dir_ + "/keep");
  linker.LearnFromKit(ReferenceLibraryLabel("09_demo"), exec_root_ + "/" + kOutput);
  const fs::path object = dir_ + "/objects/demo_lab.pic.o";
  CompileC(object, "int another_function(void) { return 1; }\n");

  const std::string library = dir_ + "/demo_student.so";
  const CompileOutcome linked = linker.Link("09_demo", {object}, dir_ + "/link", library, {});
  EXPECT_FALSE(linked.ok);
  EXPECT_FALSE(linked.limit_reached);
  EXPECT_NE(linked.messages.find("demo_answer"), std::string::npos) << linked.messages;
  // Paths as the jail saw them, never the grader's folders.
  EXPECT_EQ(linked.messages.find(dir_), std::string::npos) << linked.messages;
  EXPECT_FALSE(fs::exists(library));
}

TEST_F(StudentLinkerTest, ALinkOverTheOutputLimitSaysSoAndLeavesNoLibrary) {
  StudentLinker linker(dir_ + "/keep");
  linker.LearnFromKit(ReferenceLibraryLabel("09_demo"), exec_root_ + "/" + kOutput);
  const fs::path object = dir_ + "/objects/demo_lab.pic.o";
  CompileC(object, "int demo_answer(void) { return 42; }\n");
  CompileLimits limits;
  limits.file_bytes = 4096;  // the library is several times that

  const std::string library = dir_ + "/demo_student.so";
  const CompileOutcome linked = linker.Link("09_demo", {object}, dir_ + "/link", library, limits);
  EXPECT_FALSE(linked.ok);
  EXPECT_TRUE(linked.limit_reached) << linked.messages;
  EXPECT_EQ(linked.messages.rfind("the linker's output went over", 0), 0u) << linked.messages;
  EXPECT_FALSE(fs::exists(library));
}

TEST_F(StudentLinkerTest, ALabNotLearnedIsTheGradersMistake) {
  StudentLinker linker(dir_ + "/keep");
  EXPECT_THROW(linker.Link("09_demo", {}, dir_ + "/link", dir_ + "/x.so", {}), std::logic_error);
}

}  // namespace
}  // namespace labkit::build
