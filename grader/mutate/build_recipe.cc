#include "grader/mutate/build_recipe.h"

#include <filesystem>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace labkit::mutate {
namespace {

// The argument after `flag`, or "".
std::string After(const std::vector<std::string>& argv, const std::string& flag) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag) return argv[i + 1];
  }
  return "";
}

// `argv` with every occurrence of `from` inside each argument made `to`.
std::vector<std::string> Retarget(std::vector<std::string> argv, const std::string& from,
                                  const std::string& to) {
  for (std::string& arg : argv) {
    for (size_t at = arg.find(from); at != std::string::npos; at = arg.find(from, at + to.size())) {
      arg.replace(at, from.size(), to);
    }
  }
  return argv;
}

}  // namespace

BuildRecipe ReadBuildRecipe(const std::string& aquery_json, const std::string& lab) {
  const nlohmann::json query = nlohmann::json::parse(aquery_json);
  std::map<int, std::string> labels;
  for (const auto& target : query.value("targets", nlohmann::json::array())) {
    labels[target.value("id", 0)] = target.value("label", "");
  }
  const std::string package = "//grader/hidden/" + lab;
  BuildRecipe recipe;
  for (const auto& action : query.value("actions", nlohmann::json::array())) {
    const std::string label = labels[action.value("targetId", 0)];
    const std::string mnemonic = action.value("mnemonic", "");
    std::vector<std::string> argv;
    for (const auto& arg : action.value("arguments", nlohmann::json::array())) {
      // "@file.params" repeats the arguments for the real run; we pass them all.
      if (arg.get<std::string>().rfind("@", 0) != 0) argv.push_back(arg.get<std::string>());
    }
    if (mnemonic == "CppCompile" && label == package + ":reference") {
      for (size_t i = 0; i < argv.size(); ++i) {
        // Drop the dependency file: nothing reads it here.
        if (argv[i] == "-MD") continue;
        if (argv[i] == "-MF") {
          ++i;
          continue;
        }
        recipe.compile.push_back(argv[i]);
      }
      recipe.source = After(argv, "-c");
      recipe.object = After(argv, "-o");
    }
    if (mnemonic == "CppLink" && label == package + ":reference_student.so") {
      recipe.link = argv;
      recipe.library = After(argv, "-o");
    }
  }
  if (recipe.compile.empty() || recipe.source.empty() || recipe.object.empty()) {
    throw std::runtime_error("bazel aquery shows no compile of " + package + ":reference");
  }
  if (recipe.link.empty() || recipe.library.empty()) {
    throw std::runtime_error("bazel aquery shows no link of " + package + ":reference_student.so");
  }
  return recipe;
}

void SnapshotLinkInputs(BuildRecipe& recipe, const std::string& exec_root, const std::string& dir) {
  std::filesystem::create_directories(dir);
  int n = 0;
  for (std::string& arg : recipe.link) {
    const bool object = arg.size() > 2 && (arg.ends_with(".o") || arg.ends_with(".a") || arg.ends_with(".lo"));
    if (!object || arg == recipe.object || arg.rfind("bazel-out/", 0) != 0) continue;
    const std::string copy = dir + "/" + std::to_string(n++) + "_" +
                             std::filesystem::path(arg).filename().string();
    std::filesystem::copy_file(exec_root + "/" + arg, copy,
                               std::filesystem::copy_options::overwrite_existing);
    arg = copy;
  }
}

std::vector<std::string> CompileCommand(const BuildRecipe& recipe, const std::string& mutant_source,
                                        const std::string& object) {
  return Retarget(Retarget(recipe.compile, recipe.source, mutant_source), recipe.object, object);
}

std::vector<std::string> LinkCommand(const BuildRecipe& recipe, const std::string& object,
                                     const std::string& library) {
  return Retarget(Retarget(recipe.link, recipe.object, object), recipe.library, library);
}

}  // namespace labkit::mutate
