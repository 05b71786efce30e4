// The kit's own Bazel targets did not build, or Bazel could not run: the
// kit's fault, never a submission's. The CLI exits 4 on it
// (grader/cli/exit_codes.h): a UserError is bad input (2), any other error
// the kit's or the machine's (6).
#pragma once

#include <stdexcept>

namespace labkit::build {

struct KitBuildError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace labkit::build
