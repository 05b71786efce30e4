#include "grader/build/student_link.h"

#include <filesystem>
#include <sstream>
#include "grader/files/whole_file.h"
#include <stdexcept>

namespace labkit::build {
namespace {

namespace fs = std::filesystem;

constexpr const char* kLabelPrefix = "//grader/hidden/";
constexpr const char* kLabelName = ":reference_student.so";

bool IsInput(const std::string& arg) {
  return arg.rfind("bazel-out/", 0) == 0 &&
         (arg.ends_with(".o") || arg.ends_with(".a") || arg.ends_with(".lo") || arg.ends_with(".so"));
}

}  // namespace

std::string ReferenceLibraryLabel(const std::string& lab) {
  return kLabelPrefix + lab + kLabelName;
}

LinkRecipe ParseLinkParams(const std::string& params, const std::string& lab) {
  const std::string reference_objects = "/grader/hidden/" + lab + "/_objs/reference/";
  LinkRecipe recipe;
  bool output_seen = false, objects_placed = false;
  std::istringstream lines(params);
  for (std::string arg; std::getline(lines, arg);) {
    // Bazel quotes an argument with a space or a quote in it; none of the
    // kit's has one, so one here means the file is not what this reads.
    if (arg.empty() || arg.find_first_of(" '\"\\") != std::string::npos) {
      throw std::runtime_error("the link of " + lab + " has an argument this grader cannot copy: [" +
                               arg + "]");
    }
    if (!recipe.arguments.empty() && recipe.arguments.back() == "-o" && !output_seen) {
      recipe.arguments.push_back(kLinkOutputMark);
      output_seen = true;
      continue;
    }
    if (arg.find(reference_objects) != std::string::npos) {
      // Where the reference's objects were, the student's go, once.
      if (!objects_placed) recipe.arguments.push_back(kStudentObjectsMark);
      objects_placed = true;
      continue;
    }
    if (IsInput(arg)) recipe.kit_inputs.push_back(arg);
    recipe.arguments.push_back(arg);
  }
  if (!output_seen || !objects_placed) {
    throw std::runtime_error("the link of " + lab + " does not link the reference's objects into " +
                             "a library (" + (output_seen ? "no reference object" : "no -o") + ")");
  }
  return recipe;
}

void StudentLinker::LearnFromKit(const std::string& label, const std::string& built) {
  if (label.rfind(kLabelPrefix, 0) != 0 || !label.ends_with(kLabelName)) return;
  const std::string lab = label.substr(std::string(kLabelPrefix).size(),
                                       label.size() - std::string(kLabelPrefix).size() -
                                           std::string(kLabelName).size());
  const size_t at = built.find("/bazel-out/");
  if (at == std::string::npos) throw std::runtime_error(built + " is not under Bazel's exec root");
  const std::string exec_root = built.substr(0, at);
  LinkRecipe recipe = ParseLinkParams(files::ReadWholeFileOrThrow(built + "-2.params"), lab);
  for (const std::string& input : recipe.kit_inputs) {
    CopyReadable(exec_root + "/" + input, fs::path(keep_dir_) / lab, input);
  }
  recipes_[lab] = std::move(recipe);
}

CompileOutcome StudentLinker::Link(const std::string& lab, const std::vector<std::string>& objects,
                                   const std::string& scratch, const std::string& library,
                                   const CompileLimits& limits) const {
  const auto found = recipes_.find(lab);
  if (found == recipes_.end()) throw std::logic_error("no link was learned for " + lab);
  const LinkRecipe& recipe = found->second;
  // The jail sees the kit's inputs at their exec-root paths, and the
  // student's objects as labs/<lab>/<stem>.o, as its messages name them.
  LinkJob job;
  job.kit_dir = scratch + "/kit";
  job.work_dir = scratch;
  job.library = library;
  for (const std::string& input : recipe.kit_inputs) {
    LinkReadable(fs::path(keep_dir_) / lab / input, job.kit_dir, input);
  }
  std::vector<std::string> student;
  for (const std::string& object : objects) {
    std::string stem = fs::path(object).stem().string();  // "socket_lab.pic"
    stem = stem.substr(0, stem.find('.'));
    const std::string seen = "labs/" + lab + "/" + stem + ".o";
    LinkReadable(object, job.kit_dir, seen);
    student.push_back(seen);
  }
  for (const std::string& arg : recipe.arguments) {
    if (arg == kStudentObjectsMark) {
      job.arguments.insert(job.arguments.end(), student.begin(), student.end());
    } else {
      job.arguments.push_back(arg);
    }
  }
  return LinkInJail(job, limits);
}

}  // namespace labkit::build
