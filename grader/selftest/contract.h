// What a lab's header promises, read from its text: the functions it
// declares and, from the comment above each, its step and the errnos it
// names. The behaviour matrix self-test holds each lab's hidden tests to it.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace labkit::selftest {

struct DeclaredFunction {
  std::string name;
  int step = 0;                  // the "Step N." of its comment; 0 if none
  std::set<std::string> errnos;  // every errno name its comment mentions
};

// The free functions declared at namespace scope (unindented lines), in
// order, each with the `//` comment block directly above it.
std::vector<DeclaredFunction> ReadContract(const std::string& header);

// The N of every "TODO(step N)" in a skeleton source.
std::set<int> TodoSteps(const std::string& skeleton);

// Whether `name` is an errno name this libc knows (EAGAIN, EWOULDBLOCK...).
bool IsErrnoName(const std::string& name);

}  // namespace labkit::selftest
