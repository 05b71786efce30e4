// A build recipe is read from aquery's JSON and retargeted at a mutant.
#include "grader/mutate/build_recipe.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <gtest/gtest.h>

namespace labkit::mutate {
namespace {

// The shape of `bazel aquery --output=jsonproto`, cut down to what is read.
const char kAquery[] = R"({
  "targets": [{"id": 1, "label": "//grader/hidden/01_socket:reference"},
              {"id": 2, "label": "//grader/hidden/01_socket:reference_student.so"},
              {"id": 3, "label": "//grader/hidden/02_bind:reference"}],
  "actions": [
    {"targetId": 1, "mnemonic": "CppCompile",
     "arguments": ["/usr/bin/gcc", "-MD", "-MF", "out/ref/socket_lab.pic.d",
                   "-frandom-seed=out/ref/socket_lab.pic.o", "-fPIC", "-c",
                   "solutions/01_socket/socket_lab.cc", "-o", "out/ref/socket_lab.pic.o"]},
    {"targetId": 2, "mnemonic": "CppLink",
     "arguments": ["/usr/bin/gcc", "-shared", "-o", "out/reference_student.so",
                   "out/server.pic.o", "-Wl,--start-lib", "out/ref/socket_lab.pic.o",
                   "-Wl,--end-lib", "@out/reference_student.so-2.params"]},
    {"targetId": 3, "mnemonic": "CppCompile",
     "arguments": ["/usr/bin/gcc", "-c", "solutions/02_bind/bind_lab.cc", "-o", "out/b.pic.o"]}
  ]})";

TEST(BuildRecipe, ReadsTheLabsCompileAndLink) {
  BuildRecipe recipe = ReadBuildRecipe(kAquery, "01_socket");
  EXPECT_EQ(recipe.source, "solutions/01_socket/socket_lab.cc");
  EXPECT_EQ(recipe.object, "out/ref/socket_lab.pic.o");
  EXPECT_EQ(recipe.library, "out/reference_student.so");
}

TEST(BuildRecipe, CompilesAMutantInPlaceOfTheReference) {
  BuildRecipe recipe = ReadBuildRecipe(kAquery, "01_socket");
  EXPECT_EQ(CompileCommand(recipe, "/w/7/socket_lab.cc", "/w/7/m.o"),
            (std::vector<std::string>{"/usr/bin/gcc", "-frandom-seed=/w/7/m.o", "-fPIC", "-c",
                                      "/w/7/socket_lab.cc", "-o", "/w/7/m.o"}));
}

TEST(BuildRecipe, LinksTheMutantWithTheCallServer) {
  BuildRecipe recipe = ReadBuildRecipe(kAquery, "01_socket");
  EXPECT_EQ(LinkCommand(recipe, "/w/7/m.o", "/w/7/m.so"),
            (std::vector<std::string>{"/usr/bin/gcc", "-shared", "-o", "/w/7/m.so",
                                      "out/server.pic.o", "-Wl,--start-lib", "/w/7/m.o",
                                      "-Wl,--end-lib"}));
}

TEST(BuildRecipe, LinksCopiesOfBazelsObjectsSoALaterBuildCannotChangeThem) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string root = std::string(tmp ? tmp : "/tmp") + "/exec_root";
  std::filesystem::create_directories(root + "/bazel-out");
  std::ofstream(root + "/bazel-out/server.pic.o") << "object";
  BuildRecipe recipe = ReadBuildRecipe(R"({
    "targets": [{"id": 1, "label": "//grader/hidden/01_socket:reference"},
                {"id": 2, "label": "//grader/hidden/01_socket:reference_student.so"}],
    "actions": [
      {"targetId": 1, "mnemonic": "CppCompile", "arguments": ["gcc", "-c", "s.cc", "-o", "bazel-out/ref.o"]},
      {"targetId": 2, "mnemonic": "CppLink",
       "arguments": ["gcc", "-o", "bazel-out/lib.so", "bazel-out/server.pic.o", "bazel-out/ref.o"]}]})",
                                       "01_socket");
  SnapshotLinkInputs(recipe, root, root + "/copies");
  EXPECT_EQ(recipe.link, (std::vector<std::string>{"gcc", "-o", "bazel-out/lib.so",
                                                   root + "/copies/0_server.pic.o", "bazel-out/ref.o"}));
  std::ofstream(root + "/bazel-out/server.pic.o") << "rebuilt";
  std::ifstream copy(root + "/copies/0_server.pic.o");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(copy), {}), "object");
}

TEST(BuildRecipe, SaysWhichActionIsMissing) {
  try {
    ReadBuildRecipe(kAquery, "02_bind");
    FAIL() << "02_bind has no link action in the query";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "bazel aquery shows no link of //grader/hidden/02_bind:reference_student.so");
  }
}

}  // namespace
}  // namespace labkit::mutate
