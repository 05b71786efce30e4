// The lab catalogue, kept in one place (labs/labs.json): every command is a
// thin loop over it.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "grader/catalog/lab.h"

namespace labkit::cli {

// A mistake in what the user asked for: printed as one line, exit code 2.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using catalog::Lab;

std::vector<Lab> LoadCatalog(const std::string& root);

// Accepts "2", "02", "02_bind" or "bind"; a UserError lists the labs otherwise.
const Lab& FindLab(const std::vector<Lab>& labs, const std::string& query);

}  // namespace labkit::cli
