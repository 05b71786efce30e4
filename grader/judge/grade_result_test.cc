// Statuses are written by name in every machine-readable view and read back
// by the fixtures: each name is fixed, and parsing a name gives its status.
#include "grader/judge/grade_result.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace labkit::judge {
namespace {

constexpr CaseStatus kEveryCaseStatus[] = {
    CaseStatus::kPassed,  CaseStatus::kFailed, CaseStatus::kTimedOut,    CaseStatus::kCrashed,
    CaseStatus::kExitedEarly, CaseStatus::kNotRun, CaseStatus::kMachineError,
};
constexpr LabStatus kEveryLabStatus[] = {LabStatus::kOk, LabStatus::kBuildFailed, LabStatus::kMissing};

TEST(StatusName, NamesEveryCaseStatusAsTheReportsAlwaysHave) {
  EXPECT_STREQ(StatusName(CaseStatus::kPassed), "passed");
  EXPECT_STREQ(StatusName(CaseStatus::kFailed), "failed");
  EXPECT_STREQ(StatusName(CaseStatus::kTimedOut), "timed_out");
  EXPECT_STREQ(StatusName(CaseStatus::kCrashed), "crashed");
  EXPECT_STREQ(StatusName(CaseStatus::kExitedEarly), "exited_early");
  EXPECT_STREQ(StatusName(CaseStatus::kNotRun), "not_run");
  EXPECT_STREQ(StatusName(CaseStatus::kMachineError), "machine_error");
}

TEST(StatusName, NamesEveryLabStatusAsTheReportsAlwaysHave) {
  EXPECT_STREQ(StatusName(LabStatus::kOk), "ok");
  EXPECT_STREQ(StatusName(LabStatus::kBuildFailed), "build_failed");
  EXPECT_STREQ(StatusName(LabStatus::kMissing), "missing");
}

TEST(ParseStatus, ReadsBackEveryNameAndNoTwoStatusesShareOne) {
  std::set<std::string> names;
  for (CaseStatus status : kEveryCaseStatus) {
    EXPECT_EQ(ParseCaseStatus(StatusName(status)), status) << StatusName(status);
    names.insert(StatusName(status));
  }
  for (LabStatus status : kEveryLabStatus) {
    EXPECT_EQ(ParseLabStatus(StatusName(status)), status) << StatusName(status);
    names.insert(StatusName(status));
  }
  EXPECT_EQ(names.size(), std::size(kEveryCaseStatus) + std::size(kEveryLabStatus));
}

TEST(ParseStatus, RefusesAnyOtherText) {
  EXPECT_EQ(ParseCaseStatus(""), std::nullopt);
  EXPECT_EQ(ParseCaseStatus("PASSED"), std::nullopt);
  EXPECT_EQ(ParseCaseStatus("passed "), std::nullopt);
  EXPECT_EQ(ParseCaseStatus("ok"), std::nullopt);  // a lab's, not a case's
  EXPECT_EQ(ParseLabStatus("passed"), std::nullopt);
  EXPECT_EQ(ParseLabStatus("timeout"), std::nullopt);  // a gradebook outcome, not a status
}

TEST(GradedCase, PassesOnlyWithThePassedStatus) {
  GradedCase c;
  EXPECT_EQ(c.status, CaseStatus::kNotRun);
  EXPECT_FALSE(c.passed());
  c.status = CaseStatus::kPassed;
  EXPECT_TRUE(c.passed());
  c.status = CaseStatus::kMachineError;
  EXPECT_FALSE(c.passed());
}

}  // namespace
}  // namespace labkit::judge
