// The kit's end-to-end checks that grade real submissions: the grader's
// fixtures (hostile ones among them) and a class graded whole and in
// shards. They are the maintainers', so they live in their own program
// (kit_checks), which the student release does not hold; `./labkit test`
// builds and runs it.
#pragma once

#include <string>

#include "grader/cli/commands.h"

namespace labkit::cli {

// The labkit program the checks run (`labkit grade ...`), from --labkit.
const std::string& LabkitProgram();

// Grades grader/fixtures/fixtures.json end to end (LABKIT_FIXTURE=TEXT:
// only the fixtures whose names contain TEXT), then a class batch killed
// half way and started again.
FixtureTally CheckGraderFixtures(const std::string& root);

// A small class graded whole and in two shards, the shards merged.
FixtureTally CheckShardedClass(const std::string& root);

}  // namespace labkit::cli
