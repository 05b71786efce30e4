// kit_checks CHECK --root KIT --labkit PROGRAM [--tally FILE]: runs one of
// the kit's end-to-end checks (fixtures, shards), printing a line per check,
// and writes "PASSED FAILED" to FILE for the caller's summary. Exits 0 when
// nothing failed, 1 otherwise, 2 on bad usage or an error.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "grader/maintainer/kit_checks.h"

namespace labkit::cli {
namespace {

std::string g_labkit;

int Usage(const std::string& problem) {
  std::cerr << "kit_checks: " << problem << "\n"
            << "usage: kit_checks fixtures|shards --root KIT --labkit PROGRAM [--tally FILE]\n";
  return kExitUsage;
}

}  // namespace

const std::string& LabkitProgram() { return g_labkit; }

int KitChecksMain(const std::vector<std::string>& args) {
  if (args.empty()) return Usage("name a check");
  const std::string check = args[0];
  std::string root, tally_file;
  for (size_t i = 1; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return Usage(args[i] + " needs a value");
    const std::string& value = args[i + 1];
    if (args[i] == "--root") {
      root = value;
    } else if (args[i] == "--labkit") {
      g_labkit = value;
    } else if (args[i] == "--tally") {
      tally_file = value;
    } else {
      return Usage("unknown option " + args[i]);
    }
  }
  if (root.empty() || g_labkit.empty()) return Usage("--root and --labkit are required");
  if (!std::filesystem::exists(g_labkit)) return Usage("no labkit program at " + g_labkit);
  FixtureTally tally;
  if (check == "fixtures") {
    tally = CheckGraderFixtures(root);
  } else if (check == "shards") {
    tally = CheckShardedClass(root);
  } else {
    return Usage("unknown check " + check);
  }
  if (!tally_file.empty()) std::ofstream(tally_file) << tally.passed << " " << tally.failed << "\n";
  return tally.failed == 0 ? kExitOk : kExitTestsFailed;
}

}  // namespace labkit::cli

int main(int argc, char** argv) {
  try {
    return labkit::cli::KitChecksMain(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "kit_checks: " << e.what() << "\n";
    return labkit::cli::kExitUsage;
  }
}
