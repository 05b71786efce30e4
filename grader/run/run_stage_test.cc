// The run stage on a real lab: lab 01's graded suite, its reference and its
// skeleton, run as a grade runs them (jailed, in sessions, where this
// machine allows it).
#include "grader/run/run_stage.h"

#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace labkit::run {
namespace {

namespace fs = std::filesystem;

// Bazel runs the test from its runfiles tree, where the data are.
const std::string kSuite = "grader/hidden/01_socket/graded_tests";
const std::string kReference = "grader/hidden/01_socket/reference_student.so";
const std::string kSkeleton = "grader/hidden/01_socket/skeleton_student.so";

std::string Absolute(const std::string& path) { return fs::absolute(path).string(); }

class RunStageTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    isolation_ = new Isolation(ProbeIsolation(Absolute("grader/run/case_launcher"),
                                              Absolute("grader/run/jail_etc"), 2));
    cases_ = new std::vector<CaseInfo>(ListCases(Absolute(kSuite)));
  }
  static void TearDownTestSuite() {
    delete isolation_;
    delete cases_;
  }

  static std::vector<harness::CaseOutcome> Run(const std::string& library) {
    return RunCases(*isolation_, Absolute(kSuite), Absolute(library), *cases_, 2);
  }

  static Isolation* isolation_;
  static std::vector<CaseInfo>* cases_;
};

Isolation* RunStageTest::isolation_ = nullptr;
std::vector<CaseInfo>* RunStageTest::cases_ = nullptr;

TEST_F(RunStageTest, ListsTheLabsCasesWithPointsAndTimeouts) {
  ASSERT_GE(cases_->size(), 10u);
  for (const CaseInfo& info : *cases_) {
    EXPECT_NE(info.name.find('.'), std::string::npos) << info.name;
    EXPECT_GT(info.points, 0) << info.name;
    EXPECT_GT(info.timeout_ms, 0) << info.name;
  }
}

TEST_F(RunStageTest, TheReferencePassesEveryCase) {
  RecordProperty("isolation", isolation_->note);
  const std::vector<harness::CaseOutcome> outcomes = Run(kReference);
  ASSERT_EQ(outcomes.size(), cases_->size());
  for (size_t c = 0; c < outcomes.size(); ++c) {
    EXPECT_TRUE(outcomes[c].passed()) << (*cases_)[c].name << ": " << outcomes[c].reason
                                      << " (" << isolation_->note << ")";
  }
}

TEST_F(RunStageTest, TheSkeletonFailsEveryCase) {
  const std::vector<harness::CaseOutcome> outcomes = Run(kSkeleton);
  ASSERT_EQ(outcomes.size(), cases_->size());
  for (size_t c = 0; c < outcomes.size(); ++c) {
    EXPECT_FALSE(outcomes[c].passed()) << (*cases_)[c].name;
  }
}

TEST_F(RunStageTest, LeavesNoCaseOrSessionFolderBehind) {
  Run(kReference);
  EXPECT_EQ(RunFoldersOf(::getpid()), 0);
}

// Not /dev/shm unless it is a RAM file system: the folders' files are made
// and removed once a case.
TEST(SessionFolderParent, IsATmpfsOrElseTmp) {
  const std::string parent = SessionFolderParent();
  EXPECT_EQ(::access(parent.c_str(), W_OK), 0) << parent;
  struct statfs kind {};
  ASSERT_EQ(::statfs(parent.c_str(), &kind), 0);
  EXPECT_TRUE(parent == "/tmp" || kind.f_type == TMPFS_MAGIC) << parent;
}

}  // namespace
}  // namespace labkit::run
