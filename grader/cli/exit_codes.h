// The labkit command's exit codes, in one place: main.cc's --help texts and
// the README's "Exit codes" section say the same, and exit_codes_test runs
// the command to hold each to it.
#pragma once

namespace labkit::cli {

enum ExitCode {
  kExitOk = 0,
  kExitTestsFailed = 1,  // cases fail, points lost, a lab below its mutation goal
  kExitUsage = 2,        // bad usage or input, said in one line
  // 3: Debian packages are missing; only ./labkit says it, before this program runs.
  kExitMissingPackages = 3,
  kExitBuildFailed = 4,                // the kit's own targets did not build
  kExitStudentCodeDoesNotCompile = 5,  // check, hint, run: the student's lab code
  // Not the command's mistake: the kit is missing a file, a work folder or a
  // case user cannot be had, the reference fails a case on this machine.
  kExitInternal = 6,
};

}  // namespace labkit::cli
