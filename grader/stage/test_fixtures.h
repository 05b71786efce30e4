// Run-time fixtures for the stage tests: temp folders, files, and archives
// written with libarchive's own writer.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grader/stage/stage.h"

namespace labkit::stage::testing {

// Writes `contents` at `path`, creating its parent folders.
void WriteFile(const std::string& path, const std::string& contents);
std::string ReadFile(const std::string& path);
// Every path below `root`, relative and sorted; folders end in '/'. Links are listed, not followed.
std::vector<std::string> ListTree(const std::string& root);
// Deterministic bytes of every value (NULs included), so copies are checked byte for byte.
std::string BinaryBytes(size_t size, unsigned seed);

// The accepted formats, then refused ones a student might hand in.
enum class ArchiveFormat { kTar, kTarGz, kZip, kTarBz2, kTarXz, kTarZstd, kTarGzGz, kZipGz, kSevenZip, kCpio };

struct ArchiveEntry {
  enum class Type { kFile, kFolder, kSymlink, kHardLink };
  std::string path;
  std::string contents;  // kFile: the bytes; kSymlink and kHardLink: the target
  Type type = Type::kFile;
};

void WriteArchive(const std::string& path, ArchiveFormat format,
                  const std::vector<ArchiveEntry>& entries);

// `bytes` compressed as one stream by libarchive's filter `filter`
// (ARCHIVE_FILTER_GZIP, ...). Streams of one filter can be concatenated.
std::string Compress(const std::string& bytes, int filter);
// A 512-byte ustar header of `type` ('0': a regular file, 'L': a GNU long
// name) for `size` bytes, however large (base-256), with nothing after it.
std::string TarHeader(const std::string& name, long long size, char type = '0');

// Every line of `lines` on its own, for failure messages.
std::string Lines(const std::vector<std::string>& lines);
// How many of `lines` contain `text`.
int CountContaining(const std::vector<std::string>& lines, const std::string& text);

// Each test gets a fresh folder (mkdtemp under $TEST_TMPDIR) laid out as
//   <root>/submission/...   what the student handed in (or an archive beside it)
//   <root>/work/out/        the empty staging folder
// so anything escaping out/ would show up in <root>/work/ or <root>/.
class StageTest : public ::testing::Test {
 protected:
  void SetUp() override;

  std::string Submission(const std::string& relative) const { return root_ + "/submission/" + relative; }
  StageResult Stage(const std::string& submission, const StageLimits& limits = {}) const {
    return StageSubmission(submission, rubric_, out_, limits);
  }
  // Removes whatever an earlier Stage() in the same test wrote.
  void EmptyOut() const;
  // Stages expecting a StageError; returns its message.
  std::string StageErrorOf(const std::string& submission, const StageLimits& limits = {}) const;
  std::string Staged(const std::string& relative) const { return ReadFile(out_ + "/" + relative); }
  // The lab in `result` with `id`; fails the test if there is none.
  const StagedLab& Lab(const StageResult& result, const std::string& id) const;

  // A rubric like the kit's first two labs.
  std::vector<RubricLab> rubric_ = {{"01_socket", {"socket_lab.cc"}}, {"02_bind", {"bind_lab.cc"}}};
  std::string root_;
  std::string out_;
};

}  // namespace labkit::stage::testing
