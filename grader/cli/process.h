// Runs another program (bazel, a test binary) and waits for it.
#pragma once

#include <string>
#include <vector>

namespace labkit::cli {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string output;  // stdout and stderr together, when captured
};

// With `capture`, the output is collected; otherwise it goes to the terminal.
ProcessResult RunProcess(const std::vector<std::string>& argv, bool capture);

}  // namespace labkit::cli
