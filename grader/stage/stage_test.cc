// Stage, from folders: what is taken, what is refused, and the errors.
// Archive submissions are covered in archive_stage_test.cc.
#include <sys/stat.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "grader/stage/stage.h"
#include "grader/stage/test_fixtures.h"

namespace labkit::stage::testing {
namespace {

namespace fs = std::filesystem;
using Tree = std::vector<std::string>;

class FolderStageTest : public StageTest {};

TEST_F(FolderStageTest, TakesOnlyRubricFilesFromAFolderWithLabsByteForByte) {
  const std::string socket_source = BinaryBytes(5000, 1);  // NULs and high bytes survive
  const std::string bind_source = "int Bind() { return 0; }\n";
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), socket_source);
  WriteFile(Submission("labs/02_bind/bind_lab.cc"), bind_source);
  // A student's repository: none of this may be staged.
  WriteFile(Submission("labs/01_socket/BUILD"), "cc_library(name = 'evil')\n");
  WriteFile(Submission("labs/01_socket/socket_lab.h"), "#pragma once\n");
  WriteFile(Submission("labs/01_socket/public_test.cc"), "TEST(A, B) {}\n");
  WriteFile(Submission(".git/config"), "[core]\n");
  WriteFile(Submission("README.md"), "hello\n");

  StageResult result = Stage(root_ + "/submission");

  EXPECT_TRUE(result.warnings.empty()) << Lines(result.warnings);
  ASSERT_EQ(result.labs.size(), 2u);
  EXPECT_EQ(result.labs[0].id, "01_socket");  // rubric order
  EXPECT_TRUE(result.labs[0].complete);
  EXPECT_TRUE(result.labs[0].missing.empty());
  EXPECT_EQ(result.labs[1].id, "02_bind");
  EXPECT_TRUE(result.labs[1].complete);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), socket_source);
  EXPECT_EQ(Staged("02_bind/bind_lab.cc"), bind_source);
  EXPECT_EQ(ListTree(out_), (Tree{"01_socket/", "01_socket/socket_lab.cc", "02_bind/",
                                  "02_bind/bind_lab.cc"}));
}

TEST_F(FolderStageTest, TakesAFolderLaidOutLikeLabsSuchAsSolutions) {
  WriteFile(Submission("01_socket/socket_lab.cc"), "socket\n");
  WriteFile(Submission("01_socket/BUILD"), "ignored\n");
  WriteFile(Submission("02_bind/bind_lab.cc"), "bind\n");

  StageResult result = Stage(root_ + "/submission");

  EXPECT_TRUE(result.warnings.empty()) << Lines(result.warnings);
  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(Lab(result, "02_bind").complete);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "socket\n");
  EXPECT_EQ(Staged("02_bind/bind_lab.cc"), "bind\n");
  EXPECT_EQ(ListTree(out_), (Tree{"01_socket/", "01_socket/socket_lab.cc", "02_bind/",
                                  "02_bind/bind_lab.cc"}));
}

TEST_F(FolderStageTest, TakesTheBareLabFilesOfAGradescopeUpload) {
  WriteFile(Submission("socket_lab.cc"), "socket\n");
  WriteFile(Submission("bind_lab.cc"), "bind\n");
  WriteFile(Submission("notes.txt"), "ignored\n");

  StageResult result = Stage(root_ + "/submission");

  EXPECT_TRUE(result.warnings.empty()) << Lines(result.warnings);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "socket\n");
  EXPECT_EQ(Staged("02_bind/bind_lab.cc"), "bind\n");
  EXPECT_EQ(ListTree(out_), (Tree{"01_socket/", "01_socket/socket_lab.cc", "02_bind/",
                                  "02_bind/bind_lab.cc"}));
}

TEST_F(FolderStageTest, ALabFolderWinsOverABareFileOfTheSameName) {
  WriteFile(Submission("01_socket/socket_lab.cc"), "in its folder\n");
  WriteFile(Submission("socket_lab.cc"), "bare\n");

  StageResult result = Stage(root_ + "/submission");

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "found both 01_socket/socket_lab.cc and socket_lab.cc; "
                                "only 01_socket/socket_lab.cc is used");
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "in its folder\n");
}

TEST_F(FolderStageTest, AMissingRubricFileIsListedAndItsLabIsIncomplete) {
  rubric_ = {{"01_socket", {"socket_lab.cc", "extra.cc"}}, {"02_bind", {"bind_lab.cc"}}};
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), "socket\n");

  StageResult result = Stage(root_ + "/submission");

  EXPECT_TRUE(result.warnings.empty()) << Lines(result.warnings);
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"extra.cc"}));
  EXPECT_FALSE(Lab(result, "02_bind").complete);
  EXPECT_EQ(Lab(result, "02_bind").missing, (Tree{"bind_lab.cc"}));
  EXPECT_EQ(ListTree(out_), (Tree{"01_socket/", "01_socket/socket_lab.cc"}));
}

TEST_F(FolderStageTest, ASymlinkedRubricFileIsRefusedAndNothingIsStaged) {
  fs::create_directories(Submission("labs/01_socket"));
  fs::create_symlink("/etc/passwd", Submission("labs/01_socket/socket_lab.cc"));

  StageResult result = Stage(root_ + "/submission");

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0],
            "refused labs/01_socket/socket_lab.cc: it is a symbolic link; the grader never follows links");
  EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"socket_lab.cc"}));
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(FolderStageTest, ASymlinkedLabsFolderIsRefusedOnceForEveryLab) {
  WriteFile(root_ + "/elsewhere/01_socket/socket_lab.cc", "socket\n");
  WriteFile(root_ + "/elsewhere/02_bind/bind_lab.cc", "bind\n");
  fs::create_directory_symlink(root_ + "/elsewhere", Submission("labs"));

  StageResult result = Stage(root_ + "/submission");

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "refused labs: it is a symbolic link; the grader never follows links");
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_FALSE(Lab(result, "02_bind").complete);
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(FolderStageTest, ASymlinkedLabFolderIsRefused) {
  WriteFile(root_ + "/elsewhere/socket_lab.cc", "socket\n");
  WriteFile(Submission("labs/02_bind/bind_lab.cc"), "bind\n");
  fs::create_directory_symlink(root_ + "/elsewhere", Submission("labs/01_socket"));

  StageResult result = Stage(root_ + "/submission");

  EXPECT_EQ(CountContaining(result.warnings, "refused labs/01_socket: it is a symbolic link"), 1)
      << Lines(result.warnings);
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(Lab(result, "02_bind").complete);
  EXPECT_EQ(ListTree(out_), (Tree{"02_bind/", "02_bind/bind_lab.cc"}));
}

TEST_F(FolderStageTest, ARubricFileOverTheSizeLimitIsRefused) {
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), std::string(kMaxSourceBytes + 1, 'x'));

  StageResult result = Stage(root_ + "/submission");

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "refused labs/01_socket/socket_lab.cc: it is 262145 bytes, over the "
                                "262144-byte limit for a lab source file");
  EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"socket_lab.cc"}));
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(FolderStageTest, ARubricFileOfExactlyTheSizeLimitIsTaken) {
  const std::string largest = BinaryBytes(kMaxSourceBytes, 2);
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), largest);

  StageResult result = Stage(root_ + "/submission");

  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), largest);
}

TEST_F(FolderStageTest, AFifoNamedLikeARubricFileIsRefusedWithoutBlocking) {
  fs::create_directories(Submission("labs/01_socket"));
  ASSERT_EQ(mkfifo(Submission("labs/01_socket/socket_lab.cc").c_str(), 0644), 0);

  StageResult result = Stage(root_ + "/submission");

  EXPECT_EQ(CountContaining(result.warnings, "refused labs/01_socket/socket_lab.cc: it is a device, "
                                             "fifo or socket"),
            1)
      << Lines(result.warnings);
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(FolderStageTest, BothLayoutsHoldingTheSameFilePreferLabsAndWarn) {
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), "from labs\n");
  WriteFile(Submission("01_socket/socket_lab.cc"), "from the top\n");

  StageResult result = Stage(root_ + "/submission");

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "found both labs/01_socket/socket_lab.cc and 01_socket/socket_lab.cc; "
                                "only labs/01_socket/socket_lab.cc is used");
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "from labs\n");
}

TEST_F(FolderStageTest, AFolderWithoutLabFilesIsNotAnErrorButWarns) {
  WriteFile(Submission("notes.txt"), "nothing here\n");
  WriteFile(Submission("labs/01_socket/BUILD"), "not a rubric file\n");

  StageResult result = Stage(root_ + "/submission");

  ASSERT_EQ(result.warnings.size(), 1u) << Lines(result.warnings);
  EXPECT_EQ(result.warnings[0], "found no lab files: expected labs/<id>/<file>, <id>/<file> or the bare <file>");
  EXPECT_EQ(Lab(result, "01_socket").missing, (Tree{"socket_lab.cc"}));
  EXPECT_EQ(Lab(result, "02_bind").missing, (Tree{"bind_lab.cc"}));
  EXPECT_TRUE(ListTree(out_).empty()) << Lines(ListTree(out_));
}

TEST_F(FolderStageTest, AMissingPathIsAStageErrorNamingIt) {
  std::string missing = root_ + "/no-such-submission.zip";

  EXPECT_EQ(StageErrorOf(missing), "submission " + missing + " does not exist");
}

TEST_F(FolderStageTest, AFileOfRandomBytesIsNotAnArchive) {
  std::string random = root_ + "/submission.zip";
  WriteFile(random, BinaryBytes(4096, 3));

  EXPECT_EQ(StageErrorOf(random),
            random + " is not a folder or a .zip, .tar or .tar.gz (.tgz) archive");
  EXPECT_TRUE(ListTree(out_).empty());
}

TEST_F(FolderStageTest, AnEmptyFileIsNotAnArchive) {
  std::string empty = root_ + "/submission.tar";
  WriteFile(empty, "");

  EXPECT_EQ(StageErrorOf(empty),
            empty + " is not a folder or a .zip, .tar or .tar.gz (.tgz) archive");
}

TEST_F(FolderStageTest, ARubricNameThatIsAPathIsRejected) {
  rubric_ = {{"01_socket", {"../../escape.cc"}}};
  WriteFile(Submission("labs/01_socket/socket_lab.cc"), "socket\n");

  EXPECT_THROW(Stage(root_ + "/submission"), std::invalid_argument);
  EXPECT_TRUE(ListTree(out_).empty());
}

}  // namespace
}  // namespace labkit::stage::testing
