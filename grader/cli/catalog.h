// The lab catalogue, kept in one place (labs/labs.json): every command is a
// thin loop over it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace labkit::cli {

// A mistake in what the user asked for: printed as one line, exit code 2.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Lab {
  std::string id;      // folder name, e.g. "02_bind"
  std::string number;  // "02"
  std::string title;
  std::vector<std::string> files;  // what the student edits, in labs/<id>/
  std::string handout;
  int hidden_cases = 0;  // graded cases beyond the public ones (checked by a self-test)
};

std::vector<Lab> LoadCatalog(const std::string& root);

// Accepts "2", "02", "02_bind" or "bind"; a UserError lists the labs otherwise.
const Lab& FindLab(const std::vector<Lab>& labs, const std::string& query);

}  // namespace labkit::cli
