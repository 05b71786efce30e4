// `labkit status`: a progress view of every lab. A bar per lab and for the
// whole course, each lab "not started", "in progress" or "done", the graded
// points where this tree has the hidden tests, and what to do next.
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/public_run.h"

namespace labkit::cli {
namespace {

// [██████░░░░] for `part` of `whole`.
std::string Bar(int part, int whole, int width = 20) {
  const int filled = whole > 0 ? part * width / whole : 0;
  std::string bar = "[";
  for (int i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  return bar + "]";
}

struct LabProgress {
  std::string state;   // "not started", "in progress", "done", or what went wrong
  std::string detail;  // cases, points
  int points = 0, max_points = 0;
  bool done = false;
};

LabProgress Progress(const std::string& root, const Lab& lab) {
  LabProgress progress;
  const PublicRun run = RunPublicTests(root, lab);
  if (run.outcome == PublicRun::Outcome::kDoesNotCompile) {
    progress.state = Red("does not compile");
    progress.detail = "./labkit check " + lab.number + " shows the errors";
    return progress;
  }
  if (run.outcome == PublicRun::Outcome::kKitDoesNotBuild) {
    progress.state = Red("the kit did not build (not your code)");
    return progress;
  }
  if (run.outcome == PublicRun::Outcome::kNoReport) {
    progress.state = Red("tests ended early");
    return progress;
  }
  progress.points = run.points();
  progress.max_points = run.max_points();
  const bool public_pass = run.passed() == static_cast<int>(run.cases.size());
  progress.detail = std::to_string(run.passed()) + "/" + std::to_string(run.cases.size()) +
                    " public cases";
  if (public_pass && HasHiddenTests(root, lab)) {
    const PublicRun graded = RunGradedTests(root, lab);
    progress.done = !graded.cases.empty() && graded.passed() == static_cast<int>(graded.cases.size());
    progress.detail += ", graded " + std::to_string(graded.points()) + "/" +
                       std::to_string(graded.max_points()) + " points";
  } else if (public_pass) {
    progress.done = true;
    progress.detail += Dim(" (the grader runs " + std::to_string(lab.hidden_cases) + " more)");
  }
  progress.state = progress.done ? Green("done")
                   : run.passed() == 0 ? Dim("not started")
                                       : "in progress";
  if (public_pass && !progress.done) progress.state = Red("hidden cases fail");
  return progress;
}

}  // namespace

int ShowStatus(const std::string& root) {
  const std::vector<Lab> labs = LoadCatalog(root);
  const Lab* next = nullptr;
  int points = 0, max_points = 0, done = 0;
  std::cout << "Running each lab's public tests...\n";
  for (const Lab& lab : labs) {
    const LabProgress progress = Progress(root, lab);
    points += progress.points;
    max_points += progress.max_points;
    done += progress.done;
    if (!progress.done && next == nullptr) next = &lab;
    std::cout << Bold(lab.number) << "  " << Bar(progress.points, progress.max_points) << "  "
              << progress.state << "  " << lab.title << "\n    " << progress.detail << "\n";
  }
  std::cout << "\n" << Bold("All") << "  " << Bar(points, max_points) << "  " << points << "/"
            << max_points << " public points, " << done << " of " << labs.size()
            << " labs done\n";
  if (next != nullptr) {
    std::cout << "Next: read " << next->handout << ", then run ./labkit check " << next->number
              << ".\n";
    return kExitTestsFailed;
  }
  std::cout << Green("Every lab is done.") << "\n";
  return kExitOk;
}

}  // namespace labkit::cli
