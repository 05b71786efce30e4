// `labkit release OUT`: the student copy of the kit, written from the one
// instructor tree as a new git repository with a single commit. It holds
// what a student needs (labs, handouts, harness, public tests, CLI) and none
// of what grading keeps back (solutions, hidden tests, mutants,
// alternatives, samples built from the reference, fixtures).
#pragma once

#include <string>
#include <vector>

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

}  // namespace labkit::cli
