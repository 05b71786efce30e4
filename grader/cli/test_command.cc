// `labkit test`: the kit's whole suite through Bazel, then one summary line
// per kind of check, read from Bazel's build event stream.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"

namespace labkit::cli {
namespace {

// What a test target checks, from its name (see grader/lab_suite.bzl).
std::string KindOf(const std::string& label) {
  if (label.find(":reference_scores_full_test") != std::string::npos) return "reference scores 100%";
  if (label.find(":reference_split_scores_full_test") != std::string::npos) {
    return "reference scores 100%, split in two processes";
  }
  if (label.find(":skeleton_scores_zero_test") != std::string::npos) return "skeleton scores 0";
  if (label.find(":skeleton_split_scores_zero_test") != std::string::npos) {
    return "skeleton scores 0, split in two processes";
  }
  if (label.find("_loses_points_test") != std::string::npos) return "mutant loses points";
  if (label.find(":alternative_") != std::string::npos) return "correct alternative scores 100%";
  return "kit unit tests";
}

// One check of grader/maintainer:kit_checks ("fixtures" or "shards"), built
// first; its lines go to the terminal as it runs, and it grades with this
// very labkit program. A check that cannot be built or run counts as failed.
FixtureTally RunKitChecks(const std::string& root, const std::string& check) {
  ProcessOptions build;
  build.capture = true;
  build.cwd = root;
  ProcessResult built = RunProcess({"bazel", "build", "//grader/maintainer:kit_checks"}, build);
  if (built.exit_code != 0) {
    std::cout << Red("✗ the kit's checks (grader/maintainer:kit_checks) did not build:") << "\n"
              << built.output << "\n";
    return {0, 1};
  }
  const std::string tally_file = root + "/.labkit/kit-checks-" + check + ".tally";
  std::filesystem::create_directories(root + "/.labkit");
  std::filesystem::remove(tally_file);
  RunProcess({root + "/bazel-bin/grader/maintainer/kit_checks", check, "--root", root, "--labkit",
              std::filesystem::read_symlink("/proc/self/exe").string(), "--tally", tally_file},
             false);
  FixtureTally tally;
  if (!(std::ifstream(tally_file) >> tally.passed >> tally.failed)) {
    std::cout << Red("✗ kit_checks " + check + " ended without a tally (see above)") << "\n";
    return {0, 1};
  }
  return tally;
}

}  // namespace

int TestKit(const std::string& root, int runs, bool fresh, bool fixtures_only, bool release_only,
            bool gradescope_only, bool shards_only) {
  if (release_only || gradescope_only || shards_only) {
    FixtureTally part = release_only      ? CheckRelease(root)
                        : gradescope_only ? CheckGradescopeAutograder(root)
                                          : RunKitChecks(root, "shards");
    std::cout << part.passed << " passed, " << part.failed << " failed\n";
    return part.failed == 0 ? kExitOk : kExitTestsFailed;
  }
  if (fixtures_only) {
    FixtureTally fixtures = RunKitChecks(root, "fixtures");
    std::cout << fixtures.passed << " passed, " << fixtures.failed << " failed\n";
    return fixtures.failed == 0 ? kExitOk : kExitTestsFailed;
  }
  std::filesystem::create_directories(root + "/.labkit");
  const std::string events = root + "/.labkit/test-events.json";
  std::filesystem::remove(events);
  std::vector<std::string> command = {"bazel", "test", "//...", "--build_event_json_file=" + events};
  if (runs > 1) command.push_back("--runs_per_test=" + std::to_string(runs));
  if (fresh) command.push_back("--nocache_test_results");
  ProcessResult bazel = RunProcess(command, false);

  std::map<std::string, std::pair<int, int>> by_kind;  // kind -> passed, failed
  int passed = 0, failed = 0;
  std::ifstream in(events);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded() || !event.contains("testSummary")) continue;
    const std::string label = event["id"]["testSummary"].value("label", "");
    bool ok = event["testSummary"].value("overallStatus", "") == "PASSED";
    auto& counts = by_kind[KindOf(label)];
    (ok ? counts.first : counts.second)++;
    (ok ? passed : failed)++;
  }
  std::cout << "\n" << Bold("labkit test") << "\n";
  for (const auto& [kind, counts] : by_kind) {
    std::string mark = counts.second == 0 ? Green("✓") : Red("✗");
    std::cout << "  " << mark << " " << kind << ": " << counts.first << " of "
              << counts.first + counts.second << " targets\n";
  }
  if (bazel.exit_code != 0 && failed == 0) {
    std::cout << Red("Bazel failed before running the tests (exit " + std::to_string(bazel.exit_code) +
                     "); see its messages above.")
              << "\n";
    return kExitBuildFailed;
  }
  // The grader end to end, on its fixtures (hostile submissions included).
  if (bazel.exit_code == 0) {
    FixtureTally fixtures = RunKitChecks(root, "fixtures");
    passed += fixtures.passed;
    failed += fixtures.failed;
    // The student copy, written and used as a student would.
    std::cout << "\n" << Bold("student release") << " (a new copy's first build takes minutes)\n";
    FixtureTally release = CheckRelease(root);
    passed += release.passed;
    failed += release.failed;
    // The Gradescope autograder, unzipped and run as Gradescope runs it.
    std::cout << "\n" << Bold("Gradescope autograder") << " (setup builds a new copy: minutes)\n";
    FixtureTally gradescope = CheckGradescopeAutograder(root);
    passed += gradescope.passed;
    failed += gradescope.failed;
    // A small class graded whole and in shards, the shards merged.
    std::cout << "\n" << Bold("class shards") << " (a class of 3, graded twice)\n";
    FixtureTally shards = RunKitChecks(root, "shards");
    passed += shards.passed;
    failed += shards.failed;
  }
  // A closing line CI reads: N passed, N failed.
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 && bazel.exit_code == 0 ? kExitOk : kExitTestsFailed;
}

int RunBenchmark(const std::string& root, int runs, int class_size, bool expunge) {
  std::vector<std::string> command = {"bash", root + "/bench/grade_bench.sh", "--runs",
                                      std::to_string(runs), "--class", std::to_string(class_size)};
  if (expunge) command.push_back("--expunge");
  return RunProcess(command, false).exit_code;
}

}  // namespace labkit::cli
