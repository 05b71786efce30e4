// labkit — the kit's command line. The ./labkit script installs what is
// missing, builds this program and runs it from the kit's top folder.
//
// Exit codes: grader/cli/exit_codes.h; each command's --help footer names
// the ones it uses (exit_codes_test holds them to it).
#include <cstdlib>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "grader/build/kit_build_error.h"
#include "grader/cli/catalog.h"
#include "grader/cli/commands.h"
#include "grader/cli/release.h"
#include "grader/mutate/mutator.h"
#include "grader/report/untrusted_text.h"

int main(int argc, char** argv) {
  using namespace labkit::cli;
  const char* root_env = std::getenv("LABKIT_ROOT");
  const std::string root = root_env ? root_env : ".";

  CLI::App app{"labkit: labs on the socket API, one call at a time, their tests and their grader."};
  app.name("./labkit");
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 1 tests failed or points lost, 2 bad usage or input, 3 missing "
             "packages, 4 the kit did not build, 5 your lab code does not compile (check, hint, "
             "run), 6 the kit or this machine failed (not the command).\nRun './labkit COMMAND --help' for one command's options.\n");

  CLI::App* list = app.add_subcommand("list", "List the labs and their handouts.");

  std::vector<std::string> check_labs;
  CLI::App* check = app.add_subcommand(
      "check", "Build a lab from labs/ and run its public tests, showing the transcript of "
               "each failing case.");
  check->add_option("LAB", check_labs,
                    "The lab: its number (01), name (socket) or folder (01_socket); several are "
                    "checked in turn. Default: the current lab, the first not yet passing.");
  bool check_all = false;
  check->add_flag("--all", check_all, "Show the transcript of every failing case, not only the first.");
  check->footer("Exit codes: 0 all pass, 1 cases fail, 2 bad usage, 4 the kit did not build, "
                "5 your code does not compile, 6 the kit or this machine failed.");

  std::string hint_lab;
  bool hint_reset = false;
  CLI::App* hint = app.add_subcommand(
      "hint", "A hint for the first failing public case: first a nudge, asked again where to "
              "read, then the call sequence. Never solution code.");
  hint->add_option("LAB", hint_lab, "The lab (01, socket, ...). Default: the current lab.");
  hint->add_flag("--reset", hint_reset, "Start again from the first hint.");
  hint->footer("Exit codes: 0 no public case fails, 1 a hint shown (a case fails), 2 bad usage, "
               "4 the kit did not build, 5 your code does not compile, 6 the kit or this machine "
               "failed.");

  std::string watch_lab;
  CLI::App* watch = app.add_subcommand(
      "watch", "Check a lab, then check it again each time you save its file (Ctrl-C stops).");
  watch->add_option("LAB", watch_lab, "The lab (01, socket, ...). Default: the current lab.");
  watch->footer("Exit codes: 2 bad usage (an unknown lab), 6 the kit or this machine failed; "
                "otherwise it runs until Ctrl-C.");

  bool run_list = false;
  CLI::App* run = app.add_subcommand(
      "run", "Build one of a lab's small programs from your own code and run it, so you can "
             "talk to your code with nc, socat or Python: ./labkit run LAB PROGRAM [ARGS...]");
  run->add_flag("--list", run_list, "List every lab's programs, one line each.");
  // LAB PROGRAM and everything after them (--help too) are the program's.
  run->prefix_command();
  run->footer("Example: ./labkit run 06 echo-server --port 0\n"
              "Exit codes: 2 bad usage (an unknown lab or program), 4 the kit did not build, "
              "5 your code does not compile, 6 the kit or this machine failed; once started, the program's own (0 ok, 1 a lab "
              "function failed, 2 bad arguments, 130 Ctrl-C).");

  CLI::App* status = app.add_subcommand(
      "status", "Your progress: every lab's public tests, summed up, and what to do next.");
  status->footer("Exit codes: 0 every lab done, 1 a lab not done yet (failing, not compiling "
                 "or not started), 6 the kit or this machine failed.");

  int runs = 1;
  CLI::App* test = app.add_subcommand(
      "test", "Run the kit's own test suite: the harness, the reference (must score 100%), "
              "the untouched skeletons (must score 0) and the mutants (must lose points).");
  test->add_option("--runs", runs, "Run every test this many times (flakiness hunt).")
      ->check(CLI::Range(1, 1000));
  bool fresh = false;
  test->add_flag("--fresh", fresh, "Run every test again, even those whose inputs did not change.");
  bool fixtures_only = false, release_only = false, gradescope_only = false;
  test->add_flag("--fixtures-only", fixtures_only,
                 "Only grade the grader's fixtures end to end (LABKIT_FIXTURE=TEXT picks some).");
  test->add_flag("--release-only", release_only,
                 "Only write a student release and check it (no secrets; it builds and works).");
  test->add_flag("--gradescope-only", gradescope_only,
                 "Only make a Gradescope autograder and run it as Gradescope would.");
  bool shards_only = false;
  test->add_flag("--shards-only", shards_only,
                 "Only grade a small class whole and in two shards, and check the merged "
                 "gradebook equals the whole one.");
  test->footer("Exit codes: 0 every check passes, 1 a check fails, 4 the kit did not build, 6 the "
               "kit or this machine failed.");

  GradeOptions grading;
  CLI::App* grade = app.add_subcommand(
      "grade", "Grade submissions against the hidden tests, each case jailed, and compare "
               "every failing case with the reference's transcript.");
  grade->add_option("SUBMISSION", grading.submissions,
                    "A student's repository (with labs/ in it), a folder laid out like labs/ "
                    "(e.g. solutions), or a .zip / .tar / .tar.gz of either. Default: ./labs");
  // One lab per --lab, so `--lab 08 SUBMISSION` leaves the submission alone.
  grade->add_option("--lab", grading.labs, "Grade only this lab (repeatable): 03, listen, ...")
      ->allow_extra_args(false);
  grade->add_option("--json", grading.json, "Write the result as JSON to this file.");
  grade->add_option("--gradescope", grading.gradescope,
                    "Write a Gradescope results.json to this file.");
  grade->add_option("--hidden-visibility", grading.hidden_visibility,
                    "With --gradescope: when students see the hidden cases (public ones are "
                    "always visible).")
      ->check(CLI::IsMember({"visible", "hidden", "after_due_date", "after_published"}))
      ->default_val("after_published");
  grade->add_option("--junit", grading.junit, "Write JUnit XML to this file.");
  grade->add_option("--markdown", grading.markdown,
                    "Write the feedback a student reads, in Markdown, to this file.");
  grade->add_option("--class", grading.class_dir,
                    "Grade every submission in this folder: each folder or archive, a Gradescope "
                    "export (submission_metadata.yml names the students) or a Canvas download "
                    "(each student's files graded together).");
  grade->add_option("--out", grading.out,
                    "With --class: the gradebook CSV (student, name, submission, each lab's score "
                    "and status, total, max_score); a batch started again skips the rows "
                    "already in it.");
  grade->add_flag("--regrade", grading.regrade,
                  "With --class: grade the submissions already in the gradebook again and "
                  "replace their rows.");
  grade->add_option("--shard", grading.shard,
                    "With --class: grade only shard K of N (K from 1). The submissions are "
                    "sorted by name, and the one at position p (from 0) is in shard p % N + 1. "
                    "Join the shards' gradebooks with ./labkit gradebook merge.");
  grade->add_option("--feedback", grading.feedback_dir,
                    "With --class: write each submission's Markdown feedback into this folder.");
  grade->add_flag("--all", grading.all_failures,
                  "Show every failing case in full (default: each lab's first; the rest in its table).");
  grade->add_option("--jobs", grading.jobs, "Cases run at once (default: one per core).")
      ->check(CLI::Range(1, 256));
  grade->footer("Exit codes: 0 full marks (with --class: the batch finished), 1 points lost, "
                "2 bad input (a missing submission or OUT folder, a bad --shard), 4 the kit did not build, "
                "6 the kit or this machine failed.");

  std::vector<std::string> merge_inputs;
  std::string merge_out;
  bool merge_force = false;
  CLI::App* gradebook = app.add_subcommand("gradebook", "Work with class gradebooks.");
  gradebook->require_subcommand(1);
  CLI::App* merge = gradebook->add_subcommand(
      "merge", "Join the gradebooks of a class graded in shards (grade --class DIR --shard K/N) "
               "into one, its rows sorted by submission. Every input must have the same columns. "
               "A submission in several inputs keeps the row of the last one named, with a warning.");
  merge->add_option("GRADEBOOK", merge_inputs, "The shards' gradebook CSV files.")->required();
  merge->add_option("--out", merge_out, "The merged gradebook to write (refused if it exists).")->required();
  merge->add_flag("--force", merge_force, "Replace --out if it exists.");
  merge->footer("Exit codes: 0 merged, 2 bad input (an unreadable input, other columns, a torn row, "
                "an existing --out without --force, no folder for --out), 6 this machine failed.");

  int bench_runs = 5, bench_class = 10;
  bool bench_expunge = false;
  CLI::App* bench = app.add_subcommand(
      "bench", "Time the grader: warm and cold grades of a full submission, the floor "
               "(building and running the test binaries directly), and batch throughput.");
  bench->add_option("--runs", bench_runs, "Grades per median.")->check(CLI::Range(1, 100));
  bench->add_option("--class", bench_class, "Submissions in the batch.")->check(CLI::Range(1, 1000));
  bench->add_flag("--expunge", bench_expunge,
                  "Also time a grade after `bazel clean --expunge` (rebuilds everything).");
  bench->footer("Exit codes: bench/grade_bench.sh's: 0 measured, other when a step failed.");

  std::string release_out;
  CLI::App* release = app.add_subcommand(
      "release", "Write the student copy of the kit to a new folder, as a git repository with "
                 "one commit: the labs, handouts, public tests and CLI; no solutions, hidden "
                 "tests, mutants, alternatives, samples or fixtures.");
  release->add_option("OUT", release_out, "The new folder (it must not exist yet).")->required();
  release->footer("Exit codes: 0 written, 2 bad OUT (exists, or its parent does not), 6 the kit "
                  "or this machine failed.");

  std::string autograder_out, autograder_visibility = "after_published";
  CLI::App* autograder = app.add_subcommand(
      "autograder", "Package the kit as an autograder for a grading platform.");
  autograder->require_subcommand(1);
  CLI::App* gradescope = autograder->add_subcommand(
      "gradescope", "Write a Gradescope autograder zip: setup.sh and run_autograder at its root, "
                    "the kit (with its hidden tests) under source/.");
  gradescope->add_option("OUT", autograder_out, "The .zip to write (it must not exist yet).")
      ->required();
  gradescope->add_option("--hidden-visibility", autograder_visibility,
                         "When students see the hidden cases; public ones are always visible.")
      ->check(CLI::IsMember({"visible", "hidden", "after_due_date", "after_published"}))
      ->default_val("after_published");
  gradescope->footer("Exit codes: 0 written, 2 bad OUT (not .zip, exists, or no parent folder), 6 "
                     "the kit or this machine failed.");

  MutateOptions mutating;
  CLI::App* mutate = app.add_subcommand(
      "mutate", "Mutation testing: change the reference solutions in small ways (flip a "
                "comparison, drop a flag, delete a call...) and check that the graded tests "
                "catch each change.");
  mutate->add_option("LAB", mutating.labs, "Only these labs (01, bind, ...). Default: all.");
  mutate->add_option("--operator", mutating.only_operator, "Only this mutation operator.")
      ->check(CLI::IsMember(labkit::mutate::OperatorNames()));
  mutate->add_option("--jobs", mutating.jobs, "Mutants built and run at once (default: one per core).")
      ->check(CLI::Range(1, 64));
  mutate->add_option("--json", mutating.json, "Write every mutant and its fate to this file.");
  mutate->add_option("--goal", mutating.goal_percent, "Exit 1 when a lab scores below this percent.")
      ->check(CLI::Range(0, 100));
  mutate->add_flag("--list", mutating.list, "Only list the mutants; build and run nothing.");
  mutate->add_flag("--keep", mutating.keep, "Keep each mutant's folder (sources, libraries).");
  mutate->footer("Exit codes: 0 every lab at its goal, 1 a lab below it, 2 bad usage, 4 the kit "
                 "did not build, 6 the kit or this machine failed.");

  // CLI11 would only say "A subcommand is required" for a misspelt one.
  if (argc > 1 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "labkit: there is no command '" << argv[1] << "'; the commands are " << names
                << " (see ./labkit --help)\n";
      return kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  try {
    if (IsStudentRelease(root) && (*test || *mutate || *bench || *autograder)) {
      std::cerr << "labkit: this is the student copy: the kit's own tests, mutants and benchmarks "
                   "are not in it (./labkit check runs your lab's tests)\n";
      return kExitUsage;
    }
    if (*list) return ListLabs(root);
    if (*check) return CheckLab(root, check_labs, check_all);
    if (*watch) return WatchLab(root, watch_lab);
    if (*hint) return ShowHint(root, hint_lab, hint_reset);
    if (*status) return ShowStatus(root);
    if (*run) return run_list ? ListLabPrograms(root) : RunLabProgram(root, run->remaining());
    if (*test) return TestKit(root, runs, fresh, fixtures_only, release_only, gradescope_only, shards_only);
    if (*grade) return GradeSubmissions(root, grading);
    if (*merge) return MergeGradebookFiles(merge_inputs, merge_out, merge_force);
    if (*release) return ReleaseKit(root, release_out);
    if (*gradescope) return MakeGradescopeAutograder(root, autograder_out, autograder_visibility);
    if (*mutate) return MutateLabs(root, mutating);
    if (*bench) return RunBenchmark(root, bench_runs, bench_class, bench_expunge);
  } catch (const std::exception& e) {
    // A message may quote a submission's path, an archive's error about an
    // entry or Bazel's output: escaped like any other text the student chose.
    using labkit::report::untrusted::Clean, labkit::report::untrusted::Kind;
    std::cerr << "labkit: " << Clean(e.what(), Kind::kBlock) << "\n";
    if (dynamic_cast<const UserError*>(&e)) return kExitUsage;
    if (dynamic_cast<const labkit::build::KitBuildError*>(&e)) return kExitBuildFailed;
    // Bad input is always a UserError: anything else is not the user's to fix.
    std::cerr << "labkit: that is a failure of the kit or of this machine, not of the command "
                 "(exit 6)\n";
    return kExitInternal;
  }
  return kExitUsage;
}
