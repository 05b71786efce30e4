// Spawn: starts a program and waits for it. The one way the grader runs a
// helper program (bazel, a compiler, git, a test binary listing its cases).
// The jail's own launches (grader/run/jail.cc, grader/build/compile_jail.cc)
// do not use it: each case's launch is on the grading hot path and sets up
// namespaces a general helper has no business knowing about.
//
// What it promises:
// - a program that cannot start (fork fails, no such file, a bad working
//   folder) is an error in the result, never a crash or a silent 127;
// - captured output is held up to `capture_limit` bytes per stream; the rest
//   is read and dropped, so a chatty program neither blocks nor fills memory;
// - with a time limit the program runs in a process group of its own, and
//   the whole group is killed at the limit (and after the program exits);
// - poll, read and waitpid are retried on EINTR;
// - no descriptor of ours reaches the program: its pipes are O_CLOEXEC and
//   every descriptor above those it is given is closed in the child.
// Output is collected until the program itself exits, not until end-of-file:
// a program that leaves a daemon holding its stdout (a Bazel client starting
// its server) still returns.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace labkit::process {

enum class Output {
  kInherit,     // ours: the terminal, usually
  kCapture,     // into the result
  kDiscard,     // /dev/null
  kWithStdout,  // stderr only: wherever stdout goes, interleaved as written
};

struct SpawnOptions {
  std::string cwd;               // run there ("": here)
  std::vector<std::string> env;  // NAME=VALUE added to ours, replacing the same NAME
  Output out = Output::kInherit;
  Output err = Output::kInherit;
  // The program's descriptor 3 is a pipe captured into SpawnResult::fd3 (a
  // report channel, as the test binaries' list mode uses).
  bool capture_fd3 = false;
  size_t capture_limit = 1 << 20;  // bytes kept of each captured stream
  int timeout_ms = 0;              // 0: none
  // With out == kCapture: each line of stdout as it arrives (the last one
  // even without a newline), whether or not it is still kept.
  std::function<void(const std::string& line)> on_line;
};

struct SpawnResult {
  bool started = false;
  std::string error;       // when !started: why, e.g. "cannot run bazel: No such file..."
  int exit_code = -1;      // 128 + signal when killed by one
  bool timed_out = false;  // killed, with its process group, at the time limit
  bool truncated = false;  // a captured stream went over capture_limit
  std::string out, err, fd3;
};

// argv[0] is looked up in PATH unless it holds a '/'.
SpawnResult Spawn(const std::vector<std::string>& argv, const SpawnOptions& options);

}  // namespace labkit::process
