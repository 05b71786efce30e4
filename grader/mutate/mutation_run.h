// `./labkit mutate`: builds every mutant of each lab's reference into a
// student library and runs the lab's graded suite on it, split in two
// processes as the grader runs it (without the jail: the mutants are ours).
// A mutant is killed when any case fails.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "grader/mutate/mutator.h"

namespace labkit::mutate {

enum class Fate {
  kKilled,      // a case failed (or the suite crashed or timed out)
  kSurvived,    // every case passed: a gap in the tests
  kEquivalent,  // every case passed, and survivors.md explains why it must
  kStillborn,   // did not compile or link: no student could hand it in
};

struct MutantResult {
  Mutant mutant;
  Fate fate = Fate::kStillborn;
  std::string detail;  // the case that killed it, or why it did not build
};

struct LabMutation {
  std::string lab;                        // "01_socket"
  std::vector<MutantResult> results;
  std::vector<std::string> stale;         // survivors.md lines for mutants now killed or gone
  double seconds = 0;                     // wall time spent on this lab's mutants

  int Count(Fate fate) const;
  // Killed over killed + survived: the share of non-equivalent mutants killed.
  double Score() const;
};

struct MutationOptions {
  std::string root;                  // the kit's top folder
  std::vector<std::string> labs;     // lab folder names, e.g. "01_socket"
  std::vector<std::string> sources;  // each lab's reference file name, e.g. "socket_lab.cc"
  std::string only_operator;         // "" : all
  int jobs = 1;                      // mutants built and run at once
  bool keep = false;                 // keep the work folder (its path is printed)
  // Called after each mutant, from worker threads one at a time.
  std::function<void(const std::string& lab, const MutantResult&, int done, int total)> progress;
};

// Builds what the mutants need with Bazel, then runs them all. Throws
// build::KitBuildError when the kit does not build.
std::vector<LabMutation> RunMutation(const MutationOptions& options);

// The mutants of one lab's reference, without building or running them.
std::vector<Mutant> MutantsOf(const std::string& root, const std::string& lab,
                              const std::string& source, const std::string& only_operator);

}  // namespace labkit::mutate
