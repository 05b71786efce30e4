// Lab files named almost right: which names match, and the stage grading a
// unique match as the lab file, with a warning.
#include "grader/stage/name_match.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/stage/stage.h"
#include "grader/stage/test_fixtures.h"

namespace labkit::stage::testing {
namespace {

TEST(NameMatch, MatchesOtherCaseCopySuffixesSeparatorsAndSmallTypos) {
  for (const char* upload : {"Socket_Lab.cc", "SOCKET_LAB.CC", "socketlab.cc", "socket-lab.cc",
                             "socket_lab (1).cc", "socket_lab(2).cc", "socket_lab-1.cc", "socket_lab_2.cc",
                             "socket_lab copy.cc", "socket_lab.cpp", "sokcet_lab.cc", "socket_lb.cc"}) {
    EXPECT_TRUE(LooksLike(upload, "socket_lab.cc")) << upload;
  }
  for (const char* upload : {"socket_lab.cc", "socket_lab.h", "socket_lab.cc.txt", "bind_lab.cc",
                             "main.cc", "socket.cc", "my_socket_lab_solution.cc", "socket_lab"}) {
    EXPECT_FALSE(LooksLike(upload, "socket_lab.cc")) << upload;
  }
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(NameMatch, AUniqueMatchIsGradedAndTwoAlikeAreNot) {
  NameMatches one = MatchNames({"Socket_Lab.cc", "notes.cc"}, {"socket_lab.cc", "bind_lab.cc"});
  EXPECT_EQ(one.graded_as, (std::vector<std::string>{"Socket_Lab.cc", ""}));
  ASSERT_EQ(one.warnings.size(), 1u);
  EXPECT_EQ(one.warnings[0], "did you mean socket_lab.cc? Socket_Lab.cc is graded as socket_lab.cc");

  NameMatches two = MatchNames({"Socket_Lab.cc", "socket_lab (1).cc"}, {"socket_lab.cc"});
  EXPECT_EQ(two.graded_as, (std::vector<std::string>{""}));
  ASSERT_EQ(two.warnings.size(), 1u);
  EXPECT_NE(two.warnings[0].find("Socket_Lab.cc and socket_lab (1).cc all look like it"), std::string::npos)
      << two.warnings[0];
}

class MisnamedStageTest : public StageTest {};

TEST_F(MisnamedStageTest, AMisnamedBareFileIsGradedAsTheLabFileWithAWarning) {
  WriteFile(Submission("Socket_Lab.cc"), "socket\n");
  WriteFile(Submission("bind_lab.cc"), "bind\n");
  StageResult result = Stage(root_ + "/submission");
  EXPECT_TRUE(Lab(result, "01_socket").complete);
  EXPECT_TRUE(Lab(result, "02_bind").complete);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "socket\n");
  EXPECT_EQ(CountContaining(result.warnings, "did you mean socket_lab.cc? Socket_Lab.cc is graded as"), 1)
      << Lines(result.warnings);
}

TEST_F(MisnamedStageTest, TheRightNameWinsAndTwoLookalikesGradeNeither) {
  WriteFile(Submission("bind_lab.cc"), "bind\n");
  WriteFile(Submission("bind_lab (1).cc"), "older\n");
  WriteFile(Submission("socketlab.cc"), "a\n");
  WriteFile(Submission("Socket_Lab.cpp"), "b\n");
  StageResult result = Stage(root_ + "/submission");
  EXPECT_EQ(Staged("02_bind/bind_lab.cc"), "bind\n");
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_EQ(CountContaining(result.warnings, "did you mean socket_lab.cc?"), 1) << Lines(result.warnings);
  EXPECT_EQ(CountContaining(result.warnings, "bind_lab"), 0) << Lines(result.warnings);
}

TEST_F(MisnamedStageTest, AMisnamedFileInAWrappedArchiveIsGradedToo) {
  const std::string archive = root_ + "/upload.zip";
  WriteArchive(archive, ArchiveFormat::kZip,
               {{"Lab Files/SOCKET_LAB.cc", "socket\n"}, {"Lab Files/bind_lab-2.cc", "bind\n"},
                {"Lab Files/notes.txt", "x"}});
  StageResult result = Stage(archive);
  EXPECT_TRUE(Lab(result, "01_socket").complete) << Lines(result.warnings);
  EXPECT_TRUE(Lab(result, "02_bind").complete) << Lines(result.warnings);
  EXPECT_EQ(Staged("01_socket/socket_lab.cc"), "socket\n");
  EXPECT_EQ(Staged("02_bind/bind_lab.cc"), "bind\n");
  EXPECT_EQ(CountContaining(result.warnings, "did you mean"), 2) << Lines(result.warnings);
}

TEST_F(MisnamedStageTest, AMisnamedSymlinkIsRefusedNotFollowed) {
  WriteFile(root_ + "/secret.cc", "secret\n");
  WriteFile(Submission("placeholder"), "");
  ASSERT_EQ(::symlink((root_ + "/secret.cc").c_str(), Submission("Socket_Lab.cc").c_str()), 0);
  StageResult result = Stage(root_ + "/submission");
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_EQ(CountContaining(result.warnings, "refused Socket_Lab.cc"), 1) << Lines(result.warnings);
}

TEST_F(MisnamedStageTest, AHugeTopFolderIsListedOnlyInPart) {
  WriteFile(Submission("placeholder"), "");
  for (int i = 0; i < 3000; ++i) WriteFile(Submission("x" + std::to_string(i) + ".cc"), "");
  StageResult result = Stage(root_ + "/submission");
  EXPECT_FALSE(Lab(result, "01_socket").complete);
  EXPECT_EQ(CountContaining(result.warnings, "did you mean"), 0) << Lines(result.warnings);
}

}  // namespace
}  // namespace labkit::stage::testing
