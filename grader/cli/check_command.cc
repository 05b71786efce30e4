// `labkit check NN` shows one lab's public tests in full, with the step
// transcript of each failing case; `labkit status` sums up every lab.
#include <algorithm>
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/public_run.h"

namespace labkit::cli {
namespace {

// Explains a run that produced no case results; false if there are results.
bool ExplainNoResults(const Lab& lab, const PublicRun& run) {
  if (run.outcome == PublicRun::Outcome::kDoesNotCompile) {
    std::cout << Red("Your code in labs/" + lab.id + "/ does not compile yet.")
              << " The compiler said:\n" << run.compiler_errors;
    return true;
  }
  if (run.outcome == PublicRun::Outcome::kNoReport) {
    std::cout << Red("The tests ended before they could report (exit status " +
                     std::to_string(run.exit_code) + ").")
              << " Code that runs outside a test case, such as a global object's\n"
              << "constructor, may have called exit() or crashed. The last thing printed was:\n"
              << run.last_output;
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

int CheckLab(const std::string& root, const std::string& lab_query) {
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab& lab = FindLab(labs, lab_query);
  std::cout << Bold("Lab " + lab.number + " — " + lab.title) << "\n";
  const PublicRun run = RunPublicTests(root, lab);
  if (ExplainNoResults(lab, run)) {
    return run.outcome == PublicRun::Outcome::kDoesNotCompile ? kExitBuildFailed : kExitTestsFailed;
  }

  size_t width = 0;
  for (const auto& c : run.cases) width = std::max(width, c.name.size());
  for (const auto& c : run.cases) {
    std::cout << "  " << (c.passed ? Green("✓") : Red("✗")) << " " << c.name
              << std::string(width - c.name.size(), ' ')
              << Dim("  " + std::to_string(c.passed ? c.points : 0) + "/" + std::to_string(c.points))
              << "\n";
  }
  for (const auto& c : run.cases) {
    if (!c.passed) std::cout << "\n" << Red("✗ " + c.name) << "\n" << c.message;
  }
  std::cout << "\n" << run.passed() << " of " << run.cases.size() << " public cases pass ("
            << run.points() << " of " << run.max_points() << " points).\n";
  if (run.passed() == static_cast<int>(run.cases.size())) {
    return ExplainPublicPass(root, lab) ? kExitOk : kExitTestsFailed;
  }
  std::cout << "Edit labs/" << lab.id << "/" << lab.files.front()
            << " (the TODOs are numbered by step) and read " << lab.handout << ".\n";
  return kExitTestsFailed;
}

int ShowStatus(const std::string& root) {
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab* next = nullptr;
  for (const Lab& lab : labs) {
    const PublicRun run = RunPublicTests(root, lab);
    std::string summary;
    bool done = false;
    if (run.outcome == PublicRun::Outcome::kDoesNotCompile) {
      summary = Red("does not compile");
    } else if (run.outcome == PublicRun::Outcome::kNoReport) {
      summary = Red("tests ended early");
    } else {
      done = run.passed() == static_cast<int>(run.cases.size());
      summary = (done ? Green("✓ ") : Red("✗ ")) + std::to_string(run.passed()) + "/" +
                std::to_string(run.cases.size()) + " public cases, " +
                std::to_string(run.points()) + "/" + std::to_string(run.max_points()) + " points";
    }
    if (done && HasHiddenTests(root, lab)) {
      const PublicRun graded = RunGradedTests(root, lab);
      done = !graded.cases.empty() && graded.passed() == static_cast<int>(graded.cases.size());
      summary += "; graded " + std::to_string(graded.points()) + "/" +
                 std::to_string(graded.max_points()) + " points" + (done ? "" : Red(" (hidden cases fail)"));
    } else if (done) {
      summary += Dim("; the grader runs " + std::to_string(lab.hidden_cases) + " more hidden cases");
    }
    if (!done && next == nullptr) next = &lab;
    std::cout << Bold(lab.number) << "  " << lab.title << "\n    " << summary << "\n";
  }
  if (next != nullptr) {
    std::cout << "\nNext: read " << next->handout << ", then run ./labkit check " << next->number
              << ".\n";
    return kExitTestsFailed;
  }
  std::cout << "\n" << Green("Every lab's public tests pass.") << "\n";
  return kExitOk;
}

int ListLabs(const std::string& root) {
  for (const Lab& lab : LoadCatalog(root)) {
    std::cout << Bold(lab.number) << "  " << lab.title << Dim("   " + lab.handout) << "\n";
  }
  return kExitOk;
}

}  // namespace labkit::cli
