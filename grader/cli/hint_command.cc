// `labkit hint [LAB]`: the next hint for the function behind the lab's first
// failing public case. Never solution code: a nudge, where to read, then the
// call sequence in words.
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/hints.h"
#include "grader/cli/public_run.h"

namespace labkit::cli {

int ShowHint(const std::string& root, const std::string& lab_query, bool reset) {
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab* lab = lab_query.empty() ? nullptr : &FindLab(labs, lab_query);
  PublicRun run;
  for (const Lab& candidate : labs) {
    if (lab != nullptr && &candidate != lab) continue;
    run = RunPublicTests(root, candidate);
    if (run.outcome != PublicRun::Outcome::kRan || run.passed() != static_cast<int>(run.cases.size())) {
      lab = &candidate;
      break;
    }
  }
  const bool all_pass = run.outcome == PublicRun::Outcome::kRan &&
                        run.passed() == static_cast<int>(run.cases.size());
  if (lab == nullptr || all_pass) {
    std::cout << Green("No public case fails") << (lab ? " in lab " + lab->number : "")
              << ": there is nothing to hint at. `./labkit check` shows the graded score "
                 "where the hidden tests are present.\n";
    return kExitOk;
  }
  if (run.outcome != PublicRun::Outcome::kRan) {
    std::cout << "Lab " << lab->number << " does not build or run yet; `./labkit check "
              << lab->number << "` shows why. Fix that first.\n";
    return ExitCodeOf(run);
  }
  const judge::CaseResult* failing = nullptr;
  for (const auto& c : run.cases) {
    if (!c.passed) {
      failing = &c;
      break;
    }
  }
  const auto hints = LoadHints(root + "/labs/" + lab->id + "/hints.json");
  const std::string function = FunctionBehind(failing->message, hints);
  if (function.empty()) {
    std::cout << "The first failing case, " << failing->name << ", does not point at one "
              << "function. Read its transcript with ./labkit check " << lab->number << ".\n";
    return kExitTestsFailed;
  }
  HintProgress progress(root + "/.labkit/hints-shown.json");
  const std::string key = lab->id + "/" + function;
  if (reset) progress.Reset(key);
  const std::vector<std::string>& tiers = hints.at(function);
  const int tier = progress.Next(key, static_cast<int>(tiers.size()));
  static const char* const kTierNames[] = {"a nudge", "where to read", "the call sequence"};
  std::cout << Bold("Lab " + lab->number + ", " + function) << Dim("  (first failing case: " +
                                                                   failing->name + ")")
            << "\nHint " << tier << " of " << tiers.size()
            << (tier <= 3 ? std::string(", ") + kTierNames[tier - 1] : "") << ":\n  "
            << tiers[tier - 1] << "\n\n";
  if (tier < static_cast<int>(tiers.size())) {
    std::cout << Dim("Stuck still? ./labkit hint " + lab->number + " again shows the next hint.")
              << "\n";
  } else {
    std::cout << Dim("That is the last hint for " + function + "; ./labkit hint " + lab->number +
                     " --reset starts again from the first.") << "\n";
  }
  return kExitTestsFailed;
}

}  // namespace labkit::cli
