// The check `labkit test` runs on class scale: a class of three (the
// reference, the untouched skeleton and the bundled sample) graded once whole
// and once as two shards, the shards merged: the merged gradebook must hold
// the whole run's rows. Two labs only, to keep it cheap on CI's two cores;
// sharding does not depend on which labs are graded.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/cli/process.h"
#include "grader/files/whole_file.h"
#include "grader/maintainer/kit_checks.h"
#include "grader/report/gradebook.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// The gradebook's records (the header first), the rows sorted.
std::vector<std::vector<std::string>> SortedRecords(const std::string& text) {
  std::vector<std::vector<std::string>> records = report::internal::ParseCsv(text).records;
  if (!records.empty()) std::sort(records.begin() + 1, records.end());
  return records;
}

ProcessResult Labkit(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), LabkitProgram());
  ProcessOptions options;
  options.capture = true;
  options.timeout_seconds = 900;
  return RunProcess(arguments, options);
}

}  // namespace

FixtureTally CheckShardedClass(const std::string& root) {
  FixtureTally tally;
  auto report = [&](bool ok, const std::string& what, const std::string& detail = "") {
    std::cout << "  " << (ok ? Green("✓") : Red("✗")) << " shards: " << what << "\n";
    if (!ok && !detail.empty()) std::cout << detail.substr(0, 3000) << "\n";
    (ok ? tally.passed : tally.failed)++;
  };
  const auto start = std::chrono::steady_clock::now();
  char dir_template[] = "/tmp/labkit-shards.XXXXXX";
  const std::string work = ::mkdtemp(dir_template);
  const std::string class_dir = work + "/class";
  fs::create_directories(class_dir);
  fs::copy(fs::path(root) / "solutions", class_dir + "/reference", fs::copy_options::recursive);
  fs::copy(fs::path(root) / "labs", class_dir + "/skeleton", fs::copy_options::recursive);
  fs::copy_file(fs::path(root) / "grader/samples/classic_bugs.tar.gz", class_dir + "/classic_bugs.tar.gz");

  const std::vector<std::string> labs = {"--lab", "01", "--lab", "02"};
  auto grade = [&](const std::string& out, const std::string& shard) {
    std::vector<std::string> arguments = {"grade", "--class", class_dir, "--out", out};
    arguments.insert(arguments.end(), labs.begin(), labs.end());
    if (!shard.empty()) arguments.insert(arguments.end(), {"--shard", shard});
    return Labkit(arguments);
  };
  const ProcessResult whole = grade(work + "/whole.csv", "");
  report(whole.exit_code == 0, "the class of 3 graded whole", whole.output);
  const ProcessResult first = grade(work + "/shard1.csv", "1/2");
  const ProcessResult second = grade(work + "/shard2.csv", "2/2");
  report(first.exit_code == 0 && second.exit_code == 0, "the class graded as shards 1/2 and 2/2",
         first.output + second.output);
  const ProcessResult merge = Labkit({"gradebook", "merge", work + "/shard1.csv", work + "/shard2.csv",
                                      "--out", work + "/merged.csv"});
  const std::string whole_csv = files::ReadWholeFileOrEmpty(work + "/whole.csv");
  const std::string merged_csv = files::ReadWholeFileOrEmpty(work + "/merged.csv");
  const auto whole_rows = SortedRecords(whole_csv);
  const auto merged_rows = SortedRecords(merged_csv);
  const auto rows_of = [&](const char* shard) {
    return SortedRecords(files::ReadWholeFileOrEmpty(work + shard)).size();
  };
  const bool shards_split = rows_of("/shard1.csv") == 3 && rows_of("/shard2.csv") == 2;
  report(merge.exit_code == 0 && shards_split && whole_rows.size() == 4 && merged_rows == whole_rows,
         "the merged gradebook equals the whole run's (" + std::to_string(whole_rows.size() - 1) +
             " rows, 2 + 1 in the shards)",
         merge.output + "\nwhole:\n" + whole_csv + "merged:\n" + merged_csv);

  // Bad input: one line each, exit 2, and nothing graded.
  const ProcessResult bad_shard = grade(work + "/bad.csv", "4/3");
  const ProcessResult again = Labkit({"gradebook", "merge", work + "/shard1.csv", "--out", work + "/merged.csv"});
  const ProcessResult no_folder = grade(work + "/no/such/folder/g.csv", "");
  auto one_line = [](const ProcessResult& run) {
    return run.exit_code == kExitUsage && std::count(run.output.begin(), run.output.end(), '\n') == 1;
  };
  report(one_line(bad_shard) && one_line(again) && one_line(no_folder) && !fs::exists(work + "/bad.csv"),
         "a bad --shard, an existing merge --out and a missing --out folder: one line each, exit 2",
         bad_shard.output + again.output + no_folder.output);
  fs::remove_all(work);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << Dim("  (" + std::to_string(static_cast<int>(seconds)) + " s)") << "\n";
  return tally;
}

}  // namespace labkit::cli
