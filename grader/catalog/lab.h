// One lab of the course, as labs/labs.json lists it (grader/cli/catalog.h
// reads the file).
#pragma once

#include <string>
#include <vector>

namespace labkit::catalog {

struct Lab {
  std::string id;      // folder name, e.g. "02_bind"
  std::string number;  // "02"
  std::string title;
  std::vector<std::string> files;  // what the student edits, in labs/<id>/
  std::string handout;
  int hidden_cases = 0;  // graded cases beyond the public ones (checked by a self-test)
};

}  // namespace labkit::catalog
