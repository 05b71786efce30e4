// A grader's work folder: its staged submissions and built binaries. Work and
// case folders are named after the grader's pid, so those a killed grader
// left (a batch stopped half way) are found and removed by the next one.
#pragma once

#include <string>
#include <vector>

namespace labkit::grade {

// Folders of `parent` named "labkit-grade.PID.*" or "labkit-run.PID.*" (or
// another of `prefixes`, then PID) whose PID is no running process:
// removed, with everything in them.
void RemoveAbandonedWorkDirs(const std::string& parent,
                             const std::vector<std::string>& prefixes = {"labkit-grade.",
                                                                         "labkit-run."});

// A new folder "labkit-grade.<our pid>.XXXXXX" in `parent`, readable by the
// case users (they run the binaries in it), after removing abandoned ones.
// Throws std::runtime_error when it cannot be made.
std::string MakeWorkDir(const std::string& parent = "/tmp");

}  // namespace labkit::grade
