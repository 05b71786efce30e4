// Runs another program (bazel, a compiler, a test binary) and waits for it:
// the CLI's and `mutate`'s shape of process::Spawn (grader/process/spawn.h).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace labkit::cli {

struct ProcessResult {
  int exit_code = -1;      // 128 + signal when killed by one
  bool timed_out = false;  // killed, with its process group, at the time limit
  std::string output;      // stdout and stderr together, when captured (or why it did not start)
};

struct ProcessOptions {
  bool capture = false;          // collect the output; otherwise it goes to the terminal
  bool capture_stderr = true;    // with capture: false sends stderr to /dev/null
  std::string cwd;               // run there ("" : here)
  std::vector<std::string> env;  // NAME=VALUE added to (or replacing in) ours
  int timeout_seconds = 0;       // 0: no limit; else the program runs in a group of its own
  size_t capture_limit = 16 << 20;  // bytes of output kept; the rest is read and dropped
  // With capture: called with each line of output as it comes (a few times
  // a second), so a long build can show its progress while it is kept.
  std::function<void(const std::string& line)> on_line;
};

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options);

// With `capture`, the output is collected; otherwise it goes to the terminal.
inline ProcessResult RunProcess(const std::vector<std::string>& argv, bool capture) {
  ProcessOptions options;
  options.capture = capture;
  return RunProcess(argv, options);
}

}  // namespace labkit::cli
