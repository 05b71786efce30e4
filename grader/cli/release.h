// `labkit release OUT`: the student copy of the kit, written from the one
// instructor tree as a new git repository with a single commit. It holds
// what a student needs (labs, handouts, harness, public tests, CLI) and none
// of what grading keeps back (solutions, hidden tests, mutants,
// alternatives, samples built from the reference, fixtures).
#pragma once

#include <string>
#include <vector>

#include "grader/cli/catalog.h"

namespace labkit::cli {

// The kit's paths, files or folders, that a release copies.
const std::vector<std::string>& ReleasedPaths();

// Writes the release of the kit at `root` into `out`, which must not exist
// and whose parent must. Throws UserError for a bad OUT.
void WriteRelease(const std::string& root, const std::string& out);

// The lines of the kit's secret files (solutions, hidden tests, mutants and
// alternatives) that a release must not contain: trimmed, long enough to
// mean something, and not also in labs/ or the harness (a header's
// signature, a test idiom).
std::vector<std::string> SecretLines(const std::string& root);

// Each line of a file of `out` that is a secret line, as "path: line".
std::vector<std::string> FindLeaks(const std::string& out, const std::vector<std::string>& secrets);

// Whether this tree is a student release (no hidden tests, no solutions).
bool IsStudentRelease(const std::string& root);

// Where a release keeps its GitHub Classroom workflow.
inline constexpr const char* kClassroomWorkflow = ".github/workflows/classroom.yml";

// The cases of a test source and their points: each RunCase({...})'s
// `.points`, 1 where it names none (harness::CaseOptions). Throws
// std::runtime_error, naming `path`, when a TEST is not a RunCase({...}).
struct CasePoints {
  int cases = 0, points = 0;
};
CasePoints PointsOfCases(const std::string& text, const std::string& path);

// A lab's public points, as `check` and the copy's `grade` report them:
// PointsOfCases of its public_test.cc.
int PublicPoints(const std::string& root, const Lab& lab);

// The GitHub Classroom workflow of a release, from labs/labs.json: one
// graded step per lab (`sudo ./labkit check NN`, worth the lab's public
// points, all or nothing), then the reporter that sums them.
std::string ClassroomWorkflow(const std::string& root);

}  // namespace labkit::cli
