#include "grader/cli/process.h"

#include "grader/process/spawn.h"

namespace labkit::cli {

ProcessResult RunProcess(const std::vector<std::string>& argv, const ProcessOptions& options) {
  process::SpawnOptions spawn;
  spawn.cwd = options.cwd;
  spawn.env = options.env;
  if (options.capture) {
    spawn.out = process::Output::kCapture;
    spawn.err = options.capture_stderr ? process::Output::kWithStdout : process::Output::kDiscard;
    spawn.capture_limit = options.capture_limit;
    spawn.on_line = options.on_line;
  }
  spawn.timeout_ms = options.timeout_seconds * 1000;
  process::SpawnResult run = process::Spawn(argv, spawn);
  ProcessResult result;
  if (!run.started || run.exit_code < 0) {
    result.exit_code = 127;  // as a shell says of a command it cannot run
    result.output = run.error;
    return result;
  }
  result.exit_code = run.exit_code;
  result.timed_out = run.timed_out;
  result.output = std::move(run.out);
  return result;
}

}  // namespace labkit::cli
