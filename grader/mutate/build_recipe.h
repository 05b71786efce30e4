// How Bazel compiles a lab's reference and links it into the student
// library, read once from `bazel aquery`, so that each mutant is built by the
// very same compiler and linker commands, run directly: no Bazel call per
// mutant, and several at once.
#pragma once

#include <string>
#include <vector>

namespace labkit::mutate {

struct BuildRecipe {
  std::vector<std::string> compile;  // compiles `source` into `object`
  std::vector<std::string> link;     // links `object` (and the call server) into `library`
  std::string source, object, library;  // as the commands name them, under the exec root
};

// Reads the CppCompile of //grader/hidden/LAB:reference and the CppLink of
// //grader/hidden/LAB:reference_student.so from the output of
// `bazel aquery --output=jsonproto`. Throws std::runtime_error when either is
// missing.
BuildRecipe ReadBuildRecipe(const std::string& aquery_json, const std::string& lab);

// Copies every object the link reads from Bazel's output tree (under
// `exec_root`) into `dir`, and points the recipe at the copies: a Bazel
// command run meanwhile in the same workspace may rewrite its outputs.
void SnapshotLinkInputs(BuildRecipe& recipe, const std::string& exec_root, const std::string& dir);

// The commands that build `mutant_source` into `object`, then into `library`.
std::vector<std::string> CompileCommand(const BuildRecipe& recipe, const std::string& mutant_source,
                                        const std::string& object);
std::vector<std::string> LinkCommand(const BuildRecipe& recipe, const std::string& object,
                                     const std::string& library);

}  // namespace labkit::mutate
