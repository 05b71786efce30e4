// Stage: copies only the lab source files the rubric names out of a
// submission into a fresh staging folder. Never takes a student's BUILD
// file, header or anything else.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace labkit::stage {

// The submission cannot be read at all (missing path, broken archive, ...):
// its message is one clear line for the user.
struct StageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What the rubric takes from one lab: labs/<id>/<file> for each file.
struct RubricLab {
  std::string id;                  // "03_listen"
  std::vector<std::string> files;  // {"listen_lab.cc"}
};

struct StagedLab {
  std::string id;
  bool complete = false;              // every rubric file was staged
  std::vector<std::string> missing;   // rubric files not found in the submission
};

struct StageResult {
  std::vector<StagedLab> labs;        // in rubric order
  std::vector<std::string> warnings;  // refused entries (symlinks, ../ paths, oversized), one line each
};

// Largest lab source file taken; a bigger one is refused.
inline constexpr size_t kMaxSourceBytes = 256 * 1024;

// Bounds on reading one submission, so a hostile one (a zip bomb, millions
// of entries) cannot keep the grader busy for hours. Going over any of them
// stops staging with a StageError saying which.
struct StageLimits {
  // Bytes read out of an archive once decompressed, skipped entries included:
  // skipping an entry of a compressed stream decompresses it all the same.
  long long max_bytes = 64LL * 1024 * 1024;
  // Archive entries read, or paths examined in a folder.
  long long max_entries = 10'000;
  std::chrono::milliseconds max_time{20'000};
};

// `submission` is one of:
//  - a folder holding labs/ (a student's repository or a copy of the kit),
//  - a folder laid out like labs/ itself (03_listen/listen_lab.cc, ...),
//    such as the kit's solutions/,
//  - a folder of the bare lab files (listen_lab.cc, ...), as uploaded to
//    Gradescope,
//  - a .zip, .tar, .tar.gz / .tgz archive of either, possibly with one
//    top-level folder around it. The format is recognised by content; any
//    other (bzip2, xz, 7z, rar, cpio, ...) is a StageError.
// Writes <out_dir>/<id>/<file> for every rubric file found (out_dir exists
// and is empty). Symlinks, paths with "..", absolute paths, device files and
// oversized files are never followed or extracted; each is reported in
// warnings, and a rubric file refused that way counts as missing.
// A folder is not listed, only the rubric's candidate paths are looked up,
// unless a rubric file is found nowhere: then the names at its top (at most
// 1000 of them) are read for a lab file named almost right (name_match.h),
// graded as that file when the match is unique, with a "did you mean" warning.
// Throws StageError when the submission does not exist, cannot be read, or
// goes over `limits`.
StageResult StageSubmission(const std::string& submission, const std::vector<RubricLab>& rubric,
                            const std::string& out_dir, const StageLimits& limits = {});

}  // namespace labkit::stage
