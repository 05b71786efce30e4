// Stage against hostile submissions: the StageLimits on bytes, entries and
// time, and the archive formats refused. Every hostile archive is made here,
// small on disk: a bomb is a few hundred copies of one short gzip stream.
#include <archive.h>

#include <gtest/gtest.h>

#include "grader/stage/stage.h"
#include "grader/stage/test_fixtures.h"

namespace labkit::stage::testing {
namespace {

constexpr long long kMiB = 1024 * 1024;
constexpr char kAccepted[] = "not a folder or a .zip, .tar or .tar.gz (.tgz) archive";

class LimitsTest : public StageTest {
 protected:
  // The reported attack, as a .tar.gz: one entry whose header claims 4 TiB,
  // then `zero_mib` MiB of zeros (each MiB is its own ~1 KB gzip stream).
  std::string FourTiBBomb(const std::string& name, int zero_mib) {
    std::string bytes = Compress(TarHeader("core.dump", 4LL << 40), ARCHIVE_FILTER_GZIP);
    const std::string zeros = Compress(std::string(kMiB, '\0'), ARCHIVE_FILTER_GZIP);
    for (int i = 0; i < zero_mib; ++i) bytes += zeros;
    std::string path = root_ + "/" + name;
    WriteFile(path, bytes);
    return path;
  }
  // `junk` entries of `junk_bytes` zeros each, then both rubric files.
  std::string JunkThenLabs(ArchiveFormat format, int junk, size_t junk_bytes) {
    std::vector<ArchiveEntry> entries;
    for (int i = 0; i < junk; ++i) {
      entries.push_back({"junk/" + std::to_string(i) + ".bin", std::string(junk_bytes, '\0')});
    }
    entries.push_back({"labs/01_socket/socket_lab.cc", "int Socket() { return 3; }\n"});
    entries.push_back({"labs/02_bind/bind_lab.cc", "int Bind() { return 0; }\n"});
    std::string path = root_ + "/junk-then-labs";
    WriteArchive(path, format, entries);
    return path;
  }
  std::string Limit(const std::string& archive, const std::string& after) const {
    return "stopped reading " + archive + " after " + after + ", the grader's limit for one submission";
  }
};

TEST_F(LimitsTest, AnEntryClaiming4TiBIsStoppedAfter64MiBOfZeros) {
  std::string bomb = FourTiBBomb("submission.tar.gz", 256);  // 256 MiB, about 300 KB on disk

  EXPECT_EQ(StageErrorOf(bomb), Limit(bomb, "64 MiB of decompressed data"));
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

// Skipping an entry still decompresses it (tar.gz), and zip entries are read
// out to be counted too; the same archive under a larger limit stages fine.
TEST_F(LimitsTest, SkippedEntriesCountTowardsTheByteLimit) {
  for (ArchiveFormat format : {ArchiveFormat::kTarGz, ArchiveFormat::kZip}) {
    SCOPED_TRACE(format == ArchiveFormat::kZip ? "zip" : "tar.gz");
    EmptyOut();
    std::string archive = JunkThenLabs(format, 4, kMiB / 2);
    StageLimits limits;
    limits.max_bytes = kMiB;

    EXPECT_EQ(StageErrorOf(archive, limits), Limit(archive, "1 MiB of decompressed data"));

    limits.max_bytes = 4 * kMiB;
    EmptyOut();
    StageResult result = Stage(archive, limits);
    EXPECT_TRUE(Lab(result, "01_socket").complete);
    EXPECT_TRUE(Lab(result, "02_bind").complete);
  }
}

TEST_F(LimitsTest, MoreThan10000EntriesAreRefusedAnd10000AreTaken) {
  EXPECT_EQ(StageErrorOf(JunkThenLabs(ArchiveFormat::kTarGz, 9999, 0)),
            Limit(root_ + "/junk-then-labs", "10000 entries (files, folders, links)"));

  StageResult result = Stage(JunkThenLabs(ArchiveFormat::kTarGz, 9998, 0));
  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(Lab(result, "02_bind").complete);
}

// The zip reader seeks to each entry: the limit counts bytes of the file
// once, however often libarchive reads them again.
TEST_F(LimitsTest, AZipOfManySmallFilesIsWithinTheLimits) {
  StageResult result = Stage(JunkThenLabs(ArchiveFormat::kZip, 9000, 100));
  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(Lab(result, "02_bind").complete);
}

// Inflating 1 GiB of zeros takes far longer than 10 ms, so the clock, not
// the (lifted) byte limit, must stop it, and in the middle of the stream.
TEST_F(LimitsTest, TheTimeLimitStopsAnArchiveMidStream) {
  std::string bomb = FourTiBBomb("submission.tgz", 1024);
  StageLimits limits;
  limits.max_bytes = 1LL << 50;
  limits.max_time = std::chrono::milliseconds(10);

  EXPECT_EQ(StageErrorOf(bomb, limits), Limit(bomb, "10 ms"));
}

TEST_F(LimitsTest, TheTimeLimitStopsAFolder) {
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), "int Socket() { return 3; }\n");
  StageLimits limits;
  limits.max_time = std::chrono::milliseconds(0);

  EXPECT_EQ(StageErrorOf(Submission(""), limits), Limit(Submission(""), "0 s"));
}

// A folder with every lab file is never listed, so what lies beside the labs costs nothing: 10
// path steps stage both labs from a folder of 2000 files and a deep nest.
TEST_F(LimitsTest, AFolderCostsItsRubricPathsNotItsSize) {
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), "int Socket() { return 3; }\n");
  WriteFile(Submission("labs/02_bind/bind_lab.cc"), "int Bind() { return 0; }\n");
  for (int i = 0; i < 2000; ++i) WriteFile(Submission("labs/01_socket/junk" + std::to_string(i)), "");
  std::string deep = "labs";
  for (int i = 0; i < 100; ++i) deep += "/d";
  WriteFile(Submission(deep + "/socket_lab.cc"), "");
  StageLimits limits;
  // labs, 01_socket, socket_lab.cc; 01_socket; the bare socket_lab.cc; the
  // same for 02_bind.
  limits.max_entries = 10;

  StageResult result = Stage(Submission(""), limits);
  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(Lab(result, "02_bind").complete);

  EmptyOut();
  limits.max_entries = 9;
  EXPECT_EQ(StageErrorOf(Submission(""), limits),
            Limit(Submission(""), "9 entries (files, folders, links)"));
}

// libarchive gives up on over 32 special headers in a row with a warning,
// then asks for a retry: read on, as an entry without data.
TEST_F(LimitsTest, AChainOfSpecialHeadersIsReadOnToTheLabFile) {
  const std::string source = "int Bind() { return 0; }\n";
  std::string tar;
  for (int i = 0; i < 40; ++i) {
    tar += TarHeader("././@LongLink", 100, 'L') + std::string(100, 'x') + std::string(412, '\0');
  }
  tar += TarHeader("notes.txt", 0);
  tar += TarHeader("labs/02_bind/bind_lab.cc", static_cast<long long>(source.size())) + source;
  tar += std::string(512 - source.size() + 1024, '\0');  // padding, then the end of the archive
  std::string archive = root_ + "/submission.tar";
  WriteFile(archive, tar);

  StageResult result = Stage(archive);
  EXPECT_TRUE(Lab(result, "02_bind").complete) << Lines(result.warnings);
  EXPECT_EQ(Staged("02_bind/bind_lab.cc"), source);
}

struct Refused {
  ArchiveFormat format;
  const char* what;
};

// Named like an accepted archive: the content decides.
TEST_F(LimitsTest, OtherFormatsAreRefusedByContentNamingWhatIsAccepted) {
  const std::vector<ArchiveEntry> labs = {{"labs/01_socket/socket_lab.cc", "int Socket();\n"}};
  for (const Refused& refused : {Refused{ArchiveFormat::kTarBz2, "a bzip2-compressed file"},
                                 Refused{ArchiveFormat::kTarXz, "an xz-compressed file"},
                                 Refused{ArchiveFormat::kTarZstd, "a zstd-compressed file"},
                                 Refused{ArchiveFormat::kSevenZip, "a 7-Zip archive"},
                                 Refused{ArchiveFormat::kCpio, "a cpio archive"},
                                 Refused{ArchiveFormat::kTarGzGz, "compressed more than once"},
                                 Refused{ArchiveFormat::kZipGz, "a gzip-compressed zip"}}) {
    SCOPED_TRACE(refused.what);
    std::string archive = root_ + "/submission.tar.gz";
    WriteArchive(archive, refused.format, labs);

    EXPECT_EQ(StageErrorOf(archive), archive + " is " + refused.what + ", " + kAccepted);
    EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
  }
}

TEST_F(LimitsTest, TheReportedBzip2BombIsRefusedUnread) {
  std::string bomb = root_ + "/submission.tar.bz2";
  std::string bytes = Compress(TarHeader("core.dump", 4LL << 40), ARCHIVE_FILTER_BZIP2);
  const std::string zeros = Compress(std::string(kMiB, '\0'), ARCHIVE_FILTER_BZIP2);
  for (int i = 0; i < 64; ++i) bytes += zeros;
  WriteFile(bomb, bytes);

  EXPECT_EQ(StageErrorOf(bomb), bomb + " is a bzip2-compressed file, " + kAccepted);
}

// Formats libarchive cannot write, or no archive at all, named by their first bytes.
TEST_F(LimitsTest, RarAndPlainGzipAreRefusedByTheirFirstBytes) {
  std::string rar = root_ + "/submission.zip";
  WriteFile(rar, std::string("Rar!\x1A\x07\x01\x00", 8) + BinaryBytes(200, 5));
  EXPECT_EQ(StageErrorOf(rar), rar + " is a RAR archive, " + kAccepted);

  std::string gzip = root_ + "/socket_lab.cc.gz";
  WriteFile(gzip, Compress("int Socket() { return 3; }\n", ARCHIVE_FILTER_GZIP));
  EXPECT_EQ(StageErrorOf(gzip), gzip + " is a gzip-compressed file without a tar archive inside, " +
                                    kAccepted);
}

}  // namespace
}  // namespace labkit::stage::testing
