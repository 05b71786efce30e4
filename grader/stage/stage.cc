// Stage: picks the rubric's files out of a submission and writes them under
// names built from the rubric alone, so no name from the submission ever
// reaches the file system.
#include "grader/stage/stage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "grader/stage/name_match.h"
#include "grader/stage/source.h"

namespace labkit::stage {

namespace internal {

bool IsSourceName(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const std::string ext : {".cc", ".cpp", ".cxx"}) {
    if (lower.size() > ext.size() && lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0) return true;
  }
  return false;
}

std::string OversizedReason(long long bytes) {
  std::string limit = std::to_string(kMaxSourceBytes) + "-byte limit for a lab source file";
  if (bytes < 0) return "it is over the " + limit;
  return "it is " + std::to_string(bytes) + " bytes, over the " + limit;
}

namespace {

std::string BytesText(long long bytes) {
  constexpr long long kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string TimeText(std::chrono::milliseconds time) {
  if (time.count() % 1000 == 0) return std::to_string(time.count() / 1000) + " s";
  return std::to_string(time.count()) + " ms";
}

}  // namespace

Budget::Budget(const StageLimits& limits, std::string submission)
    : limits_(limits), submission_(std::move(submission)), start_(std::chrono::steady_clock::now()) {}

std::string Budget::Over(long long bytes) const {
  const std::string stopped = "stopped reading " + submission_ + " after ";
  const std::string limit = ", the grader's limit for one submission";
  if (bytes > limits_.max_bytes) {
    return stopped + BytesText(limits_.max_bytes) + " of decompressed data" + limit;
  }
  if (std::chrono::steady_clock::now() - start_ > limits_.max_time) {
    return stopped + TimeText(limits_.max_time) + limit;
  }
  return "";
}

void Budget::Check(long long bytes) const {
  if (std::string reason = Over(bytes); !reason.empty()) throw StageError(reason);
}

void Budget::CountEntry() {
  if (++entries_ > limits_.max_entries) {
    throw StageError("stopped reading " + submission_ + " after " +
                     std::to_string(limits_.max_entries) +
                     " entries (files, folders, links), the grader's limit for one submission");
  }
  Check();
}

}  // namespace internal

namespace {

namespace fs = std::filesystem;
using internal::Lookup;
using internal::UniqueFd;

// Where a rubric file may be, most preferred first: in a repository, in a
// folder laid out like labs/, or bare at the top (an upload of the .cc
// files themselves, as Gradescope takes them).
std::vector<std::string> CandidatePaths(const std::string& id, const std::string& file) {
  return {"labs/" + id + "/" + file, id + "/" + file, file};
}

// Rubric names become paths under out_dir, so each must be one plain name.
void CheckRubricName(const std::string& name, const char* what) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    throw std::invalid_argument(std::string("rubric ") + what + " \"" + name +
                                "\" is not one plain file or folder name");
  }
}

std::vector<std::string> WantedPaths(const std::vector<RubricLab>& rubric) {
  std::vector<std::string> wanted;
  std::set<std::string> seen;
  for (const RubricLab& lab : rubric) {
    CheckRubricName(lab.id, "lab id");
    for (const std::string& file : lab.files) {
      CheckRubricName(file, "file");
      // A bare upload names a file without its lab: each name once in all.
      if (!seen.insert(file).second) {
        throw std::invalid_argument("rubric names the file " + file + " twice");
      }
      for (std::string& path : CandidatePaths(lab.id, file)) wanted.push_back(std::move(path));
    }
  }
  return wanted;
}

std::unique_ptr<internal::Source> OpenSource(const std::string& submission,
                                             const std::vector<std::string>& wanted,
                                             internal::Budget& budget) {
  std::error_code error;
  fs::file_status status = fs::status(submission, error);
  if (status.type() == fs::file_type::not_found) {
    throw StageError("submission " + submission + " does not exist");
  }
  if (error) throw StageError("cannot examine submission " + submission + ": " + error.message());
  if (status.type() == fs::file_type::directory) {
    return internal::OpenFolderSource(submission, budget);
  }
  if (status.type() == fs::file_type::regular) {
    return internal::OpenArchiveSource(submission, wanted, budget);
  }
  throw StageError(submission + " is not " + internal::kAccepted);
}

// out_dir, written only through descriptors with O_NOFOLLOW and O_EXCL.
class StagingFolder {
 public:
  explicit StagingFolder(const std::string& out_dir)
      : out_dir_(out_dir), dir_(::open(out_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (!dir_.valid()) Fail(out_dir_);
  }

  void Write(const std::string& id, const std::string& file, const std::string& contents) {
    std::string lab_path = out_dir_ + "/" + id;
    if (::mkdirat(dir_.get(), id.c_str(), 0755) != 0 && errno != EEXIST) Fail(lab_path);
    UniqueFd lab(::openat(dir_.get(), id.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!lab.valid()) Fail(lab_path);
    std::string path = lab_path + "/" + file;
    UniqueFd out(::openat(lab.get(), file.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!out.valid()) Fail(path);
    for (size_t done = 0; done < contents.size();) {
      ssize_t wrote = ::write(out.get(), contents.data() + done, contents.size() - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote < 0) Fail(path);
      done += static_cast<size_t>(wrote);
    }
  }

 private:
  [[noreturn]] static void Fail(const std::string& path) {
    throw StageError("cannot write staging path " + path + ": " + std::strerror(errno));
  }

  std::string out_dir_;
  UniqueFd dir_;
};

// Warnings in the order found, each line once.
class Warnings {
 public:
  void Add(const std::string& line) {
    if (seen_.insert(line).second) lines_.push_back(line);
  }
  std::vector<std::string> Take() { return std::move(lines_); }

 private:
  std::vector<std::string> lines_;
  std::set<std::string> seen_;
};

// The one candidate used for a rubric file (absent when there is none);
// warns about refusals and about a second layout holding the same file.
Lookup ChooseCandidate(internal::Source& source, const std::string& id, const std::string& file,
                       Warnings& warnings) {
  std::vector<Lookup> present;
  for (const std::string& path : CandidatePaths(id, file)) {
    Lookup lookup = source.Find(path);
    if (lookup.kind == Lookup::Kind::kAbsent) continue;
    // In an archive wrapped in a folder named like the layout, two
    // candidate paths can land on the same entry.
    bool same_entry = false;
    for (const Lookup& earlier : present) same_entry = same_entry || earlier.name == lookup.name;
    if (same_entry) continue;
    if (lookup.kind == Lookup::Kind::kRefused) {
      warnings.Add("refused " + lookup.refused + ": " + lookup.reason);
    }
    present.push_back(std::move(lookup));
  }
  if (present.empty()) return Lookup{};
  // Two readable copies: say which one counts (a refused one is reported above).
  std::vector<const Lookup*> found;
  for (const Lookup& lookup : present) {
    if (lookup.kind == Lookup::Kind::kFound) found.push_back(&lookup);
  }
  if (found.size() > 1) {
    warnings.Add("found both " + found[0]->name + " and " + found[1]->name + "; only " +
                 found[0]->name + " is used");
  }
  return std::move(present[0]);
}

}  // namespace

StageResult StageSubmission(const std::string& submission, const std::vector<RubricLab>& rubric,
                            const std::string& out_dir, const StageLimits& limits) {
  std::vector<std::string> wanted = WantedPaths(rubric);
  internal::Budget budget(limits, submission);
  std::unique_ptr<internal::Source> source = OpenSource(submission, wanted, budget);
  StagingFolder staging(out_dir);

  Warnings warnings;
  for (const std::string& line : source->opening_warnings) warnings.Add(line);
  StageResult result;
  bool any_lab_file = false;
  std::vector<std::pair<size_t, std::string>> absent;  // (lab, file) found nowhere
  for (size_t l = 0; l < rubric.size(); ++l) {
    const RubricLab& lab = rubric[l];
    StagedLab staged;
    staged.id = lab.id;
    for (const std::string& file : lab.files) {
      Lookup chosen = ChooseCandidate(*source, lab.id, file, warnings);
      any_lab_file = any_lab_file || chosen.kind != Lookup::Kind::kAbsent;
      if (chosen.kind == Lookup::Kind::kFound) {
        staging.Write(lab.id, file, chosen.contents);
      } else {
        staged.missing.push_back(file);
        if (chosen.kind == Lookup::Kind::kAbsent) absent.emplace_back(l, file);
      }
    }
    result.labs.push_back(std::move(staged));
  }
  // A file named almost right at the top ("Socket_Lab.cc") is graded as the
  // lab file it looks like, when it looks like that one alone.
  if (!absent.empty()) {
    std::vector<std::string> expected, uploads;
    for (const auto& [lab, file] : absent) expected.push_back(file);
    for (const std::string& name : source->LooseSources()) {
      bool exact = false;
      for (const RubricLab& lab : rubric) exact = exact || std::count(lab.files.begin(), lab.files.end(), name) > 0;
      if (!exact) uploads.push_back(name);
    }
    const NameMatches matches = MatchNames(uploads, expected);
    for (size_t i = 0; i < absent.size(); ++i) {
      if (matches.graded_as[i].empty()) continue;
      Lookup lookup = source->Find(matches.graded_as[i]);
      if (lookup.kind == Lookup::Kind::kRefused) warnings.Add("refused " + lookup.refused + ": " + lookup.reason);
      if (lookup.kind != Lookup::Kind::kFound) continue;
      const auto& [lab, file] = absent[i];
      staging.Write(rubric[lab].id, file, lookup.contents);
      std::vector<std::string>& missing = result.labs[lab].missing;
      missing.erase(std::find(missing.begin(), missing.end(), file));
      any_lab_file = true;
    }
    for (const std::string& warning : matches.warnings) warnings.Add(warning);
  }
  for (StagedLab& staged : result.labs) staged.complete = staged.missing.empty();
  if (!any_lab_file) warnings.Add("found no lab files: expected labs/<id>/<file>, <id>/<file> or the bare <file>");
  result.warnings = warnings.Take();
  return result;
}

}  // namespace labkit::stage
