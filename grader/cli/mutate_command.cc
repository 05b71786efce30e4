// `labkit mutate [LAB...]`: the mutation score of each lab's graded suite
// (grader/mutate/mutation_run.h), its surviving mutants, and the entries of
// survivors.md that no longer hold.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "grader/cli/catalog.h"
#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/mutate/mutation_run.h"

namespace labkit::cli {
namespace {

using mutate::Fate;

const char* FateName(Fate fate) {
  switch (fate) {
    case Fate::kKilled: return "killed";
    case Fate::kSurvived: return "survived";
    case Fate::kEquivalent: return "equivalent";
    case Fate::kStillborn: return "did not build";
  }
  return "?";
}

std::string Percent(double share) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << 100 * share << "%";
  return text.str();
}

// "line 31: `a | b;` -> `a;`"
std::string Change(const mutate::Mutant& mutant) {
  return "line " + std::to_string(mutant.line) + ": `" + mutant.before + "` -> " +
         (mutant.after.empty() ? "(deleted)" : "`" + mutant.after + "`");
}

void WriteJson(const std::string& path, const std::vector<mutate::LabMutation>& labs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& lab : labs) {
    nlohmann::json mutants = nlohmann::json::array();
    for (const auto& r : lab.results) {
      mutants.push_back({{"id", r.mutant.id}, {"operator", r.mutant.op}, {"line", r.mutant.line},
                         {"before", r.mutant.before}, {"after", r.mutant.after},
                         {"fate", FateName(r.fate)}, {"detail", r.detail}});
    }
    out.push_back({{"lab", lab.lab}, {"score", lab.Score()}, {"seconds", lab.seconds},
                   {"mutants", mutants}});
  }
  std::ofstream(path) << out.dump(2) << "\n";
}

}  // namespace

int MutateLabs(const std::string& root, const MutateOptions& options) {
  const std::vector<Lab> catalog = LoadCatalog(root);
  mutate::MutationOptions run;
  run.root = root;
  run.only_operator = options.only_operator;
  run.jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  run.keep = options.keep;
  for (const std::string& query : options.labs) {
    const Lab& lab = FindLab(catalog, query);
    run.labs.push_back(lab.id);
    run.sources.push_back(lab.files.at(0));
  }
  if (options.labs.empty()) {
    for (const Lab& lab : catalog) run.labs.push_back(lab.id), run.sources.push_back(lab.files.at(0));
  }

  if (options.list) {
    for (size_t i = 0; i < run.labs.size(); ++i) {
      for (const auto& mutant : mutate::MutantsOf(root, run.labs[i], run.sources[i], run.only_operator)) {
        std::cout << run.labs[i] << " " << mutant.id << " " << Change(mutant) << "\n";
      }
    }
    return kExitOk;
  }

  std::cout << "Building the graded suites and the reference libraries..." << std::endl;
  const bool tty = ::isatty(STDOUT_FILENO) == 1;
  const auto started = std::chrono::steady_clock::now();
  run.progress = [&](const std::string& lab, const mutate::MutantResult& result, int done, int total) {
    const std::string left = TimeLeft(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), done,
        total);
    const std::string pace = left.empty() ? "" : "  (" + left + ")";
    if (result.fate == Fate::kSurvived) {
      std::cout << (tty ? "\r\033[K" : "") << Red("survived ") << lab << " " << result.mutant.id
                << "  " << Change(result.mutant) << "\n";
    }
    if (tty) {
      std::cout << "\r\033[K[" << done << "/" << total << "] " << lab << pace << std::flush;
    } else if (done % 25 == 0 || done == total) {
      std::cout << "[" << done << "/" << total << "] mutants run" << pace << std::endl;
    }
  };
  const std::vector<mutate::LabMutation> labs = mutate::RunMutation(run);
  if (tty) std::cout << "\r\033[K";

  bool below_goal = false;
  std::cout << "\n" << Bold("Mutation score (killed / (killed + survived); goal " +
                            std::to_string(options.goal_percent) + "%)") << "\n";
  for (const auto& lab : labs) {
    const bool ok = lab.Score() * 100 >= options.goal_percent;
    below_goal = below_goal || !ok;
    std::cout << "  " << lab.lab << "  " << (ok ? Green(Percent(lab.Score())) : Red(Percent(lab.Score())))
              << "  " << lab.results.size() << " mutants: " << lab.Count(Fate::kKilled)
              << " killed, " << lab.Count(Fate::kSurvived) << " survived, "
              << lab.Count(Fate::kEquivalent) << " equivalent, " << lab.Count(Fate::kStillborn)
              << " did not build  (" << static_cast<int>(lab.seconds + 0.5) << " s)\n";
    for (const auto& result : lab.results) {
      if (result.fate == Fate::kSurvived) {
        std::cout << "      survived " << result.mutant.id << "  " << Change(result.mutant) << "\n";
      }
    }
    for (const auto& line : lab.stale) {
      std::cout << "      " << Dim("survivors.md lists a mutant that is killed or no longer made: ")
                << line << "\n";
    }
  }
  if (!options.json.empty()) WriteJson(options.json, labs);
  if (below_goal) {
    std::cout << "\nKill each survivor with a case, or list it in grader/hidden/NN/survivors.md "
                 "as\n  - `ID` line N, `before` -> `after`: why no caller can tell it from the "
                 "reference\n";
  }
  return below_goal ? kExitTestsFailed : kExitOk;
}

}  // namespace labkit::cli
