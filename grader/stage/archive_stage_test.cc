// Stage, from archives written at run time with libarchive's writer: the
// layouts accepted, the entries refused, and broken archives.
#include <filesystem>

#include <gtest/gtest.h>

#include "grader/stage/stage.h"
#include "grader/stage/test_fixtures.h"

namespace labkit::stage::testing {
namespace {

namespace fs = std::filesystem;
using Tree = std::vector<std::string>;
using Type = ArchiveEntry::Type;

class ArchiveStageTest : public StageTest {
 protected:
  std::string Archive(const std::string& name, ArchiveFormat format,
                      const std::vector<ArchiveEntry>& entries) {
    std::string path = root_ + "/" + name;
    WriteArchive(path, format, entries);
    return path;
  }
  // What a student's repository looks like inside an archive, below `top`.
  std::vector<ArchiveEntry> Repository(const std::string& top) {
    return {{top + "labs/01_socket/socket_lab.cc", socket_source_},
            {top + "labs/01_socket/BUILD", "cc_library(name = 'evil')\n"},
            {top + "labs/01_socket/socket_lab.h", "#pragma once\n"},
            {top + "labs/02_bind/bind_lab.cc", bind_source_},
            {top + ".git/HEAD", "ref: refs/heads/main\n"}};
  }
  void ExpectBothLabsStaged(const StageResult& result) {
    EXPECT_TRUE(result.warnings.empty()) << Lines(result.warnings);
    EXPECT_TRUE(Lab(result, "01_socket").complete);
    EXPECT_TRUE(Lab(result, "02_bind").complete);
    EXPECT_EQ(Staged("01_socket/socket_lab.cc"), socket_source_);
    EXPECT_EQ(Staged("02_bind/bind_lab.cc"), bind_source_);
    EXPECT_EQ(ListTree(out_), (Tree{"01_socket/", "01_socket/socket_lab.cc", "02_bind/",
                                    "02_bind/bind_lab.cc"}));
  }

  const std::string socket_source_ = BinaryBytes(3000, 11);
  const std::string bind_source_ = "int Bind() { return 0; }\n";
};

TEST_F(ArchiveStageTest, TakesOnlyRubricFilesFromATar) {
  ExpectBothLabsStaged(Stage(Archive("submission.tar", ArchiveFormat::kTar, Repository(""))));
}

TEST_F(ArchiveStageTest, RecognisesATarGzByContentWhateverItsName) {
  ExpectBothLabsStaged(Stage(Archive("submission.bin", ArchiveFormat::kTarGz, Repository(""))));
}

TEST_F(ArchiveStageTest, TakesAZipWrappedInOneTopLevelFolder) {
  std::vector<ArchiveEntry> entries = {{"student-repo/", "", Type::kFolder}};
  for (const ArchiveEntry& entry : Repository("student-repo/")) entries.push_back(entry);

  ExpectBothLabsStaged(Stage(Archive("submission.zip", ArchiveFormat::kZip, entries)));
}

TEST_F(ArchiveStageTest, IgnoresFindersMetadataFolderBesideTheWrapper) {
  std::vector<ArchiveEntry> entries = Repository("student-repo/");
  entries.push_back({"__MACOSX/student-repo/labs/01_socket/._socket_lab.cc", "metadata"});

  ExpectBothLabsStaged(Stage(Archive("submission.zip", ArchiveFormat::kZip, entries)));
}

TEST_F(ArchiveStageTest, TakesATarMadeFromDotWithDotSlashPaths) {
  ExpectBothLabsStaged(Stage(Archive("submission.tgz", ArchiveFormat::kTarGz, Repository("./"))));
}

TEST_F(ArchiveStageTest, TakesAnArchiveLaidOutLikeLabs) {
  std::string archive = Archive("submission.zip", ArchiveFormat::kZip,
                                {{"01_socket/socket_lab.cc", socket_source_},
                                 {"02_bind/bind_lab.cc", bind_source_},
                                 {"02_bind/BUILD", "ignored\n"}});
  ExpectBothLabsStaged(Stage(archive));
}

// Its one top-level folder is a lab, not a wrapper around labs/.
TEST_F(ArchiveStageTest, TakesAnArchiveHoldingOnlyOneLabFolder) {
  StageResult result = Stage(Archive("submission.tar", ArchiveFormat::kTar,
                                     {{"01_socket/socket_lab.cc", socket_source_}}));

  EXPECT_TRUE(result.warnings.empty()) << Lines(result.warnings);
  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_EQ(Lab(result, "02_bind").missing, (Tree{"bind_lab.cc"}));
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), socket_source_);
}

TEST_F(ArchiveStageTest, RefusesDotDotAndAbsolutePathsAndWritesNothingOutsideOut) {
  const bool tmp_evil_existed = fs::exists("/tmp/evil");
  std::vector<ArchiveEntry> entries = Repository("");
  entries.push_back({"../evil.cc", "escaped\n"});
  entries.push_back({"/tmp/evil", "escaped\n"});
  entries.push_back({"labs/../../01_socket/socket_lab.cc", "escaped\n"});
  std::string archive = Archive("submission.tar", ArchiveFormat::kTar, entries);

  StageResult result = Stage(archive);

  EXPECT_EQ(CountContaining(result.warnings, "refused ../evil.cc: its path has a \"..\" component"), 1)
      << Lines(result.warnings);
  EXPECT_EQ(CountContaining(result.warnings, "refused /tmp/evil: its path is absolute"), 1)
      << Lines(result.warnings);
  EXPECT_EQ(CountContaining(result.warnings, "refused labs/../../01_socket/socket_lab.cc"), 1)
      << Lines(result.warnings);
  EXPECT_EQ(result.warnings.size(), 3u) << Lines(result.warnings);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), socket_source_);
  EXPECT_EQ(ListTree(root_), (Tree{"submission.tar", "submission/", "work/", "work/out/",
                                   "work/out/01_socket/", "work/out/01_socket/socket_lab.cc",
                                   "work/out/02_bind/", "work/out/02_bind/bind_lab.cc"}));
  if (!tmp_evil_existed) {
    EXPECT_FALSE(fs::exists("/tmp/evil"));
  }
}

TEST_F(ArchiveStageTest, RefusesASymlinkEntryNamedLikeARubricFile) {
  for (ArchiveFormat format : {ArchiveFormat::kTar, ArchiveFormat::kZip}) {
    SCOPED_TRACE(format == ArchiveFormat::kTar ? "tar" : "zip");
    EmptyOut();
    std::string archive = Archive("links", format,
                                  {{"labs/01_socket/socket_lab.cc", "/etc/passwd", Type::kSymlink},
                                   {"labs/02_bind/bind_lab.cc", bind_source_}});

    StageResult result = Stage(archive);

    ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
    EXPECT_EQ(result.warnings[0], "refused labs/01_socket/socket_lab.cc: it is a symbolic link; "
                                  "the grader never follows links");
    EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"socket_lab.cc"}));
    EXPECT_EQ(ListTree(out_), (Tree{"02_bind/", "02_bind/bind_lab.cc"}));
  }
}

// Extracting such an archive would write through the link, so the files
// stored below it are refused too.
TEST_F(ArchiveStageTest, RefusesFilesBelowASymlinkedLabsFolderEntry) {
  std::string archive = Archive("submission.tar", ArchiveFormat::kTar,
                                {{"labs", "/etc", Type::kSymlink},
                                 {"labs/01_socket/socket_lab.cc", socket_source_}});

  StageResult result = Stage(archive);

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "refused labs: it is a symbolic link; the grader never follows links");
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(ArchiveStageTest, RefusesAHardLinkEntry) {
  std::string archive = Archive("submission.tar", ArchiveFormat::kTar,
                                {{"notes.txt", "the link's target\n"},
                                 {"labs/01_socket/socket_lab.cc", "notes.txt", Type::kHardLink}});

  StageResult result = Stage(archive);

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "refused labs/01_socket/socket_lab.cc: it is a hard link; "
                                "the grader never follows links");
  EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"socket_lab.cc"}));
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(ArchiveStageTest, RefusesAnEntryOverTheSizeLimit) {
  std::string archive = Archive("submission.zip", ArchiveFormat::kZip,
                                {{"labs/01_socket/socket_lab.cc", std::string(kMaxSourceBytes + 1, 'x')},
                                 {"labs/02_bind/bind_lab.cc", bind_source_}});

  StageResult result = Stage(archive);

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_NE(result.warnings[0].find("refused labs/01_socket/socket_lab.cc: it is"), std::string::npos)
      << result.warnings[0];
  EXPECT_NE(result.warnings[0].find("over the 262144-byte limit"), std::string::npos) << result.warnings[0];
  EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"socket_lab.cc"}));
  EXPECT_EQ(ListTree(out_), (Tree{"02_bind/", "02_bind/bind_lab.cc"}));
}

TEST_F(ArchiveStageTest, BothLayoutsInsideAWrapperPreferLabsAndWarn) {
  std::string archive = Archive("submission.tgz", ArchiveFormat::kTarGz,
                                {{"repo/01_socket/socket_lab.cc", "from the top\n"},
                                 {"repo/labs/01_socket/socket_lab.cc", "from labs\n"}});

  StageResult result = Stage(archive);

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "found both repo/labs/01_socket/socket_lab.cc and "
                                "repo/01_socket/socket_lab.cc; only repo/labs/01_socket/socket_lab.cc is used");
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "from labs\n");
}

TEST_F(ArchiveStageTest, AnArchiveWithoutLabFilesIsNotAnErrorButWarns) {
  StageResult result = Stage(Archive("submission.zip", ArchiveFormat::kZip,
                                     {{"homework/answer.txt", "42\n"}}));

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "found no lab files: expected labs/<id>/<file>, <id>/<file> or the bare <file>");
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(ArchiveStageTest, ATruncatedTarGzIsAStageErrorWithLibarchivesReason) {
  std::vector<ArchiveEntry> entries = Repository("");
  entries.push_back({"labs/02_bind/notes.bin", BinaryBytes(64 * 1024, 12)});  // incompressible bulk
  std::string whole = Archive("whole.tar.gz", ArchiveFormat::kTarGz, entries);
  std::string bytes = ReadFile(whole);
  std::string truncated = root_ + "/truncated.tar.gz";
  WriteFile(truncated, bytes.substr(0, bytes.size() / 2));

  try {
    Stage(truncated);
    FAIL() << "a truncated archive was accepted";
  } catch (const StageError& error) {
    std::string message = error.what();
    EXPECT_EQ(message.rfind("cannot read archive " + truncated + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("runcated"), std::string::npos) << message;  // libarchive's own words
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace labkit::stage::testing
