// `labkit gradebook merge A.csv B.csv ... --out F`: joins the gradebooks of a
// class graded in shards (grade --class DIR --shard K/N) into one.
#include <filesystem>
#include <iostream>
#include <optional>

#include "grader/cli/commands.h"
#include "grader/cli/console.h"
#include "grader/files/whole_file.h"
#include "grader/report/gradebook.h"
#include "grader/report/untrusted_text.h"

namespace labkit::cli {

namespace fs = std::filesystem;

int MergeGradebookFiles(const std::vector<std::string>& inputs, const std::string& out, bool force) {
  const fs::path target = fs::absolute(out);
  if (!fs::is_directory(target.parent_path())) {
    throw UserError("cannot write " + out + ": there is no folder " + target.parent_path().string());
  }
  if (fs::exists(fs::symlink_status(target)) && !force) {
    throw UserError(out + " already exists (--force replaces it)");
  }
  std::vector<std::pair<std::string, std::string>> texts;
  for (const std::string& input : inputs) {
    std::error_code not_there;
    if (fs::equivalent(input, target, not_there)) {
      throw UserError(input + " is both an input and --out");
    }
    std::optional<std::string> text = files::ReadWholeFile(input);
    if (!text) throw UserError("cannot read " + input);
    texts.emplace_back(input, std::move(*text));
  }
  report::MergedGradebook merged;
  try {
    merged = report::MergeGradebooks(texts);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  using report::untrusted::Clean, report::untrusted::Kind;
  for (const std::string& warning : merged.warnings) {
    std::cerr << "labkit: warning: " << Clean(warning, Kind::kLine) << "\n";
  }
  // Written beside the target, then renamed: never half a gradebook.
  const std::string written = target.string() + ".merging";
  if (!files::WriteWholeFile(written, merged.text)) throw UserError("cannot write " + written);
  fs::rename(written, target);
  std::cout << "Merged " << merged.rows << " submissions from " << inputs.size() << " gradebooks into "
            << out << (merged.warnings.empty() ? "" : " (" + std::to_string(merged.warnings.size()) +
                                                          " duplicates: the later row kept)")
            << "\n";
  return kExitOk;
}

}  // namespace labkit::cli
