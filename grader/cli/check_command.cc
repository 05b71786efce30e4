// `labkit check NN` shows one lab's public tests in full, with the step
// transcript of each failing case; `labkit list` lists the labs.
#include <algorithm>
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/public_run.h"
#include "grader/report/report.h"

namespace labkit::cli {
namespace {

// Text cut to the terminal's width at token boundaries (TIOCGWINSZ, else
// $COLUMNS, else 100), as `grade` does.
std::string Fit(const std::string& text) { return report::FitToWidth(text, TerminalWidth()); }

// Explains a run that produced no case results; false if there are results.
bool ExplainNoResults(const Lab& lab, const PublicRun& run) {
  if (run.outcome == PublicRun::Outcome::kDoesNotCompile) {
    std::cout << Red("Your code in labs/" + lab.id + "/ does not compile yet.")
              << " The compiler said:\n" << Fit(run.compiler_errors);
    return true;
  }
  if (run.outcome == PublicRun::Outcome::kKitDoesNotBuild) {
    std::cout << Red("The kit itself did not build; your code is not the cause.")
              << " Bazel said:\n" << Fit(run.compiler_errors);
    return true;
  }
  if (run.outcome == PublicRun::Outcome::kNoReport) {
    std::cout << Red("The tests ended before they could report (exit status " +
                     std::to_string(run.exit_code) + ").")
              << " Code that runs outside a test case, such as a global object's\n"
              << "constructor, may have called exit() or crashed. The last thing printed was:\n"
              << Fit(run.last_output);
    return true;
  }
  return false;
}

// What passing every public case means: in a tree with the hidden tests,
// the graded score itself; otherwise how many more cases the grader runs.
// Returns whether the graded suite passes too (true when it is not here).
bool ExplainPublicPass(const std::string& root, const Lab& lab) {
  if (!HasHiddenTests(root, lab)) {
    std::cout << Green("All public cases pass:") << " the grader runs " << lab.hidden_cases
              << " more hidden cases in the same style.\nRead the pitfalls in " << lab.handout
              << " before you submit.\n";
    return true;
  }
  std::cout << Green("All public cases pass.") << " Running the graded suite (public + "
            << lab.hidden_cases << " hidden cases), as the grader does...\n";
  const PublicRun graded = RunGradedTests(root, lab);
  if (ExplainNoResults(lab, graded)) return false;
  std::cout << "Graded: " << graded.passed() << " of " << graded.cases.size() << " cases, "
            << graded.points() << " of " << graded.max_points() << " points.\n";
  for (const auto& c : graded.cases) {
    if (!c.passed) std::cout << "  " << Red("✗ ") << c.name << Dim("  " + c.reason) << "\n";
  }
  if (graded.passed() != static_cast<int>(graded.cases.size())) {
    std::cout << "The failing cases are in grader/hidden/" << lab.id
              << "/; `./labkit grade --lab " << lab.number << "` shows each one's transcript.\n";
    return false;
  }
  return true;
}


}  // namespace

int CheckOneLab(const std::string& root, const Lab& lab, bool all) {
  std::cout << Bold("Lab " + lab.number + " — " + lab.title) << "\n";
  const PublicRun run = RunPublicTests(root, lab);
  if (!run.compiler_warnings.empty()) {
    std::cout << Bold("The compiler warns about your code") << " (-Wall -Wextra; each warning "
              << "is worth a look):\n" << Fit(run.compiler_warnings) << "\n";
  }
  if (ExplainNoResults(lab, run)) return ExitCodeOf(run);

  size_t width = 0;
  for (const auto& c : run.cases) width = std::max(width, c.name.size());
  for (const auto& c : run.cases) {
    std::cout << "  " << (c.passed ? Green("✓") : Red("✗")) << " " << c.name
              << std::string(width - c.name.size(), ' ')
              << Dim("  " + std::to_string(c.passed ? c.points : 0) + "/" + std::to_string(c.points))
              << "\n";
  }
  // The first failing case in full: fixing it often fixes the next.
  int failing = 0;
  for (const auto& c : run.cases) {
    if (!c.passed && (all || failing++ == 0)) {
      std::cout << "\n" << Red("✗ " + c.name) << "\n" << Fit(c.message);
    }
  }
  if (!all && failing > 1) {
    std::cout << Dim("\n(" + std::to_string(failing - 1) + " more failing case" +
                     (failing > 2 ? "s" : "") + " above; ./labkit check " + lab.number +
                     " --all shows every transcript)") << "\n";
  }
  std::cout << "\n" << run.passed() << " of " << run.cases.size() << " public cases pass ("
            << run.points() << " of " << run.max_points() << " points).\n";
  if (run.passed() == static_cast<int>(run.cases.size())) {
    return ExplainPublicPass(root, lab) ? kExitOk : kExitTestsFailed;
  }
  std::cout << Fit("Edit labs/" + lab.id + "/" + lab.files.front() +
                   " (the TODOs are numbered by step) and read " + lab.handout + ".")
            << "\n";
  return kExitTestsFailed;
}

int CheckLab(const std::string& root, const std::vector<std::string>& lab_queries, bool all) {
  const std::vector<Lab> labs = LoadCatalog(root);
  if (lab_queries.empty()) {
    // The current lab: the first whose public cases do not all pass.
    for (const Lab& lab : labs) {
      const PublicRun run = RunPublicTests(root, lab);
      if (run.outcome != PublicRun::Outcome::kRan ||
          run.passed() != static_cast<int>(run.cases.size())) {
        return CheckOneLab(root, lab, all);
      }
    }
    std::cout << Green("Every lab's public cases pass.") << " Check one by number to see its "
              << "graded score: ./labkit check 07\n";
    return kExitOk;
  }
  int worst = kExitOk;
  for (size_t i = 0; i < lab_queries.size(); ++i) {
    if (i > 0) std::cout << "\n";
    worst = std::max(worst, CheckOneLab(root, FindLab(labs, lab_queries[i]), all));
  }
  return worst;
}

int ListLabs(const std::string& root) {
  for (const Lab& lab : LoadCatalog(root)) {
    std::cout << Bold(lab.number) << "  " << lab.title << Dim("   " + lab.handout) << "\n";
  }
  return kExitOk;
}

}  // namespace labkit::cli
