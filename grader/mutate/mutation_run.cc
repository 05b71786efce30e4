#include "grader/mutate/mutation_run.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "grader/build/kit_build_error.h"
#include "grader/cli/process.h"
#include "grader/files/whole_file.h"
#include "grader/judge/gtest_results.h"
#include "grader/mutate/build_recipe.h"
#include "grader/mutate/survivor_list.h"

namespace labkit::mutate {
namespace {

namespace fs = std::filesystem;
using cli::ProcessOptions;
using cli::ProcessResult;
using cli::RunProcess;

constexpr int kBuildSeconds = 120;  // one compile or link
constexpr int kSuiteSeconds = 300;  // one graded suite; each case has its own limit too

// The first line of a compiler's complaint that says what is wrong.
std::string FirstError(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("error") != std::string::npos) return line;
  }
  return output.substr(0, output.find('\n'));
}

ProcessResult Bazel(const std::string& root, const std::vector<std::string>& args,
                    bool with_stderr = true) {
  std::vector<std::string> argv = {"bazel"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessOptions options;
  options.capture = true;
  options.capture_stderr = with_stderr;
  options.cwd = root;
  return RunProcess(argv, options);
}

// One mutant, from source to verdict, in its own folder under `work`.
struct Job {
  size_t lab;
  Mutant mutant;
};

// Compiles and links in the kit's own tree, not in Bazel's exec root: any
// Bazel command run meanwhile rebuilds the exec root's links to the sources.
MutantResult RunOne(const Job& job, const BuildRecipe& recipe, const std::string& root,
                    const std::string& suite, const std::string& dir, bool keep) {
  MutantResult result{job.mutant, Fate::kStillborn, ""};
  fs::create_directories(dir);
  const std::string source = dir + "/" + fs::path(recipe.source).filename().string();
  const std::string object = dir + "/mutant.pic.o", library = dir + "/mutant_student.so";
  std::ofstream(source) << job.mutant.source;

  ProcessOptions build;
  build.capture = true;
  build.cwd = root;
  build.timeout_seconds = kBuildSeconds;
  ProcessResult compiled = RunProcess(CompileCommand(recipe, source, object), build);
  ProcessResult linked;
  if (compiled.exit_code != 0) {
    result.detail = compiled.timed_out ? "the compiler timed out" : FirstError(compiled.output);
  } else if ((linked = RunProcess(LinkCommand(recipe, object, library), build)).exit_code != 0) {
    result.detail = linked.timed_out ? "the linker timed out" : FirstError(linked.output);
  } else {
    ProcessOptions run;
    run.capture = true;
    run.cwd = dir;
    run.env = {"LABKIT_STUDENT_LIBRARY=" + library, "TEST_TMPDIR=" + dir};
    run.timeout_seconds = kSuiteSeconds;
    const std::string json = dir + "/cases.json";
    ProcessResult ran =
        RunProcess({suite, "--gtest_fail_fast", "--gtest_output=json:" + json}, run);
    if (ran.exit_code == 0) {
      result.fate = Fate::kSurvived;
    } else {
      result.fate = Fate::kKilled;
      result.detail = ran.timed_out ? "the suite timed out"
                                    : "the suite exited with " + std::to_string(ran.exit_code);
      try {
        for (const auto& c : judge::ReadGtestJson(json)) {
          if (!c.passed) {
            result.detail = c.name + " (" + c.verdict + ")";
            break;
          }
        }
      } catch (const std::exception&) {
        // No report: the exit code says enough.
      }
    }
  }
  if (!keep) fs::remove_all(dir);
  return result;
}

}  // namespace

int LabMutation::Count(Fate fate) const {
  int count = 0;
  for (const auto& result : results) count += result.fate == fate;
  return count;
}

double LabMutation::Score() const {
  const int killed = Count(Fate::kKilled), judged = killed + Count(Fate::kSurvived);
  return judged == 0 ? 1.0 : static_cast<double>(killed) / judged;
}

std::vector<Mutant> MutantsOf(const std::string& root, const std::string& lab,
                              const std::string& source, const std::string& only_operator) {
  const std::string path = root + "/solutions/" + lab + "/" + source;
  if (!fs::exists(path)) throw std::runtime_error("no reference solution at " + path);
  return Mutate(files::ReadWholeFileOrEmpty(path), only_operator);
}

std::vector<LabMutation> RunMutation(const MutationOptions& options) {
  // What every mutant needs: each lab's graded suite, and its reference
  // library built once, so the recipe's objects exist.
  std::vector<std::string> targets = {"build", "--noshow_progress"};
  std::string query;
  for (const std::string& lab : options.labs) {
    const std::string package = "//grader/hidden/" + lab;
    targets.push_back(package + ":graded_tests");
    targets.push_back(package + ":reference_student.so");
    query += std::string(query.empty() ? "" : " + ") + "mnemonic('CppCompile', " + package +
             ":reference) + mnemonic('CppLink', " + package + ":reference_student.so)";
  }
  ProcessResult built = Bazel(options.root, targets);
  if (built.exit_code != 0) throw build::KitBuildError("bazel build failed:\n" + built.output);
  // Their answers are on stdout; stderr has Bazel's progress.
  ProcessResult aquery = Bazel(options.root, {"aquery", "--output=jsonproto", query}, false);
  ProcessResult info = Bazel(options.root, {"info", "execution_root"}, false);
  if (aquery.exit_code != 0 || info.exit_code != 0) {
    throw build::KitBuildError("bazel aquery or info failed (exit " +
                             std::to_string(aquery.exit_code) + ", " +
                             std::to_string(info.exit_code) + ")");
  }
  const std::string json = aquery.output;
  const std::string exec_root = info.output.substr(0, info.output.find('\n'));

  char work_template[] = "/tmp/labkit-mutate.XXXXXX";
  if (::mkdtemp(work_template) == nullptr) throw std::runtime_error("cannot make a work folder");
  const std::string work = work_template;
  std::vector<LabMutation> labs;
  std::vector<BuildRecipe> recipes;
  std::vector<std::string> suites;
  std::vector<Job> jobs;
  for (size_t i = 0; i < options.labs.size(); ++i) {
    labs.push_back({options.labs[i], {}, {}, 0});
    recipes.push_back(ReadBuildRecipe(json, options.labs[i]));
    SnapshotLinkInputs(recipes.back(), exec_root, work + "/" + options.labs[i] + "/objects");
    suites.push_back(fs::canonical(options.root + "/bazel-bin/grader/hidden/" + options.labs[i] +
                                   "/graded_tests"));
    for (Mutant& mutant : MutantsOf(options.root, options.labs[i], options.sources[i],
                                    options.only_operator)) {
      jobs.push_back({i, std::move(mutant)});
    }
  }


  std::vector<MutantResult> results(jobs.size());
  std::vector<double> seconds(jobs.size());
  // survivors.md of each lab: a listed mutant that survives is equivalent.
  std::vector<std::map<std::string, std::string>> listed;
  for (const LabMutation& lab : labs) {
    const std::string survivors = options.root + "/grader/hidden/" + lab.lab + "/survivors.md";
    listed.push_back(ReadSurvivorList(files::ReadWholeFileOrEmpty(survivors)));
  }
  std::atomic<size_t> next{0};
  std::mutex report;
  int done = 0;
  auto worker = [&] {
    for (size_t j; (j = next++) < jobs.size();) {
      const auto start = std::chrono::steady_clock::now();
      const std::string dir = work + "/" + labs[jobs[j].lab].lab + "/" + std::to_string(j);
      results[j] = RunOne(jobs[j], recipes[jobs[j].lab], options.root, suites[jobs[j].lab], dir,
                          options.keep);
      if (results[j].fate == Fate::kSurvived && listed[jobs[j].lab].count(jobs[j].mutant.id)) {
        results[j].fate = Fate::kEquivalent;
      }
      seconds[j] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::lock_guard<std::mutex> lock(report);
      ++done;
      if (options.progress) options.progress(labs[jobs[j].lab].lab, results[j], done, jobs.size());
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(1, options.jobs); ++i) workers.emplace_back(worker);
  for (auto& thread : workers) thread.join();
  if (!options.keep) fs::remove_all(work);

  for (size_t j = 0; j < jobs.size(); ++j) {
    labs[jobs[j].lab].results.push_back(std::move(results[j]));
    // Run side by side, mutants share the machine: this is each lab's share.
    labs[jobs[j].lab].seconds += seconds[j] / std::max(1, options.jobs);
  }
  for (size_t i = 0; i < labs.size(); ++i) {
    for (const auto& [id, line] : listed[i]) {
      // Run with one operator, the others' entries are not in question.
      if (!options.only_operator.empty() && id.rfind(options.only_operator + ":", 0) != 0) continue;
      bool equivalent = false;
      for (const MutantResult& result : labs[i].results) {
        equivalent = equivalent || (result.mutant.id == id && result.fate == Fate::kEquivalent);
      }
      if (!equivalent) labs[i].stale.push_back(line);
    }
  }
  return labs;
}

}  // namespace labkit::mutate
