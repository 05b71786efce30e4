// grader/hidden/NN/survivors.md: the mutants of a lab that no case can kill
// because they behave as the reference does for every caller, each with the
// reason. A line of the list reads
//   - `drop-flag:1a2b3c4d` line 31, `a | b` -> `a`: why it is equivalent
// and only the id between the first backticks is read.
#pragma once

#include <map>
#include <string>

namespace labkit::mutate {

// Mutant id -> the line that explains it.
std::map<std::string, std::string> ReadSurvivorList(const std::string& markdown);

}  // namespace labkit::mutate
