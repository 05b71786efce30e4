// A small source mutator: each mutant is the reference solution with one
// small change of the kind students make (a flipped comparison, a length off
// by one, a flag or a call left out, arguments swapped, an error reported as
// success). `./labkit mutate` runs every mutant against the graded suite;
// a mutant no case kills shows a gap in the tests, unless it is equivalent.
#pragma once

#include <string>
#include <vector>

namespace labkit::mutate {

struct Mutant {
  std::string id;        // "<operator>:<hash>", the same while the line is the same
  std::string op;        // the operator that made it, e.g. "drop-flag"
  int line = 0;          // 1-based line of the change
  std::string before;    // that line before, trimmed
  std::string after;     // that line after, trimmed ("" when deleted)
  std::string source;    // the whole mutated source
};

// The operators, by name, in the order Mutate applies them.
const std::vector<std::string>& OperatorNames();

// Every mutant of `source` by every operator (or only by `only`, if given).
// Preprocessor lines, comments and string literals are never changed.
std::vector<Mutant> Mutate(const std::string& source, const std::string& only = "");

}  // namespace labkit::mutate
