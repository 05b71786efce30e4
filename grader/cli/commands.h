// The labkit subcommands. Each returns the process exit code (see main.cc).
#pragma once

#include <string>

namespace labkit::cli {

enum ExitCode {
  kExitOk = 0,
  kExitTestsFailed = 1,
  kExitUsage = 2,
  kExitBuildFailed = 4,
};

int ListLabs(const std::string& root);
int CheckLab(const std::string& root, const std::string& lab_query);
int ShowStatus(const std::string& root);
int TestKit(const std::string& root, int runs, bool fresh);

}  // namespace labkit::cli
