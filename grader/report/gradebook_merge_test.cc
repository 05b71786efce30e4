// Shards of a class and the merge of their gradebooks.
#include <gtest/gtest.h>

#include <stdexcept>

#include "grader/report/gradebook.h"

namespace labkit::report {
namespace {

TEST(Shard, ParsesKOfN) {
  Shard shard = ParseShard("2/5");
  EXPECT_EQ(shard.index, 2);
  EXPECT_EQ(shard.count, 5);
  EXPECT_EQ(ParseShard("1/1").count, 1);
}

TEST(Shard, RefusesBadSpecsInOneLine) {
  for (const char* spec : {"0/3", "4/3", "a/b", "3", "", "/", "1/", "/3", "-1/3", "1/0", "1.5/3",
                           "1/3/4", " 1/3", "99999999999/3", "1/20000"}) {
    try {
      ParseShard(spec);
      ADD_FAILURE() << "accepted " << spec;
    } catch (const std::invalid_argument& error) {
      const std::string message = error.what();
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_EQ(message.rfind("--shard ", 0), 0u) << message;
    }
  }
  try {
    ParseShard("4/3");
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("K counts from 1 to N (3)"), std::string::npos);
  }
}

TEST(Shard, EverySubmissionIsInExactlyOneShardAndTheShardsAreEven) {
  for (int count : {1, 2, 3, 7}) {
    std::vector<int> sizes(count, 0);
    for (size_t position = 0; position < 100; ++position) {
      int holders = 0;
      for (int index = 1; index <= count; ++index) {
        if (Shard{index, count}.Holds(position)) {
          ++holders;
          ++sizes[index - 1];
        }
      }
      EXPECT_EQ(holders, 1) << position << " of " << count;
    }
    for (int size : sizes) EXPECT_LE(size - 100 / count, 1);
  }
  // The rule: position p (from 0, in name order) is in shard p % N + 1.
  EXPECT_TRUE((Shard{1, 2}.Holds(0)));
  EXPECT_TRUE((Shard{2, 2}.Holds(1)));
  EXPECT_TRUE((Shard{1, 2}.Holds(2)));
}

const std::string kHeader = "student,name,submission,01_socket,01_socket_status,total,max_score\n";

TEST(Merge, JoinsShardsSortedBySubmission) {
  MergedGradebook merged = MergeGradebooks({
      {"a.csv", kHeader + "1,Ann,s1,5,ok,5,5\n3,Cy,s3,0,missing,0,5\n"},
      {"b.csv", kHeader + "2,\"Bo, B\",s2,0,build_failed,0,5\n"},
  });
  EXPECT_EQ(merged.text, kHeader + "1,Ann,s1,5,ok,5,5\n2,\"Bo, B\",s2,0,build_failed,0,5\n"
                                   "3,Cy,s3,0,missing,0,5\n");
  EXPECT_EQ(merged.rows, 3u);
  EXPECT_TRUE(merged.warnings.empty());
}

TEST(Merge, AnEmptyShardIsJustItsHeader) {
  MergedGradebook merged = MergeGradebooks({{"a.csv", kHeader}, {"b.csv", kHeader + "1,,s1,5,ok,5,5\n"}});
  EXPECT_EQ(merged.text, kHeader + "1,,s1,5,ok,5,5\n");
}

TEST(Merge, ADuplicateSubmissionKeepsTheLaterRowWithAWarning) {
  MergedGradebook merged = MergeGradebooks({
      {"a.csv", kHeader + "1,,s1,0,machine_error,0,5\n"},
      {"b.csv", kHeader + "1,,s1,5,ok,5,5\n"},
  });
  EXPECT_EQ(merged.text, kHeader + "1,,s1,5,ok,5,5\n");
  ASSERT_EQ(merged.warnings.size(), 1u);
  EXPECT_EQ(merged.warnings[0], "submission s1 is in both a.csv and b.csv; the row of b.csv is kept");
}

TEST(Merge, AStudentWithTwoSubmissionsKeepsBothWithAWarning) {
  MergedGradebook merged = MergeGradebooks({
      {"a.csv", kHeader + "7,,s1,5,ok,5,5\n"},
      {"b.csv", kHeader + "7,,s2,0,missing,0,5\n"},
  });
  EXPECT_EQ(merged.rows, 2u);
  ASSERT_EQ(merged.warnings.size(), 1u);
  EXPECT_EQ(merged.warnings[0], "student 7 has two submissions, s1 and s2; both rows are kept");
}

TEST(Merge, RefusesOtherHeadersTornRowsAndOtherFiles) {
  const std::string other = "student,name,submission,02_bind,02_bind_status,total,max_score\n";
  EXPECT_THROW(MergeGradebooks({{"a.csv", kHeader}, {"b.csv", other}}), std::runtime_error);
  EXPECT_THROW(MergeGradebooks({{"a.csv", kHeader + "1,,s1,5,ok"}}), std::runtime_error);
  EXPECT_THROW(MergeGradebooks({{"a.csv", kHeader + "1,,s1,5\n"}}), std::runtime_error);
  EXPECT_THROW(MergeGradebooks({{"a.csv", "name,score\nx,1\n"}}), std::runtime_error);
  EXPECT_THROW(MergeGradebooks({{"a.csv", ""}}), std::runtime_error);
  EXPECT_THROW(MergeGradebooks({}), std::runtime_error);
  try {
    MergeGradebooks({{"a.csv", kHeader}, {"b.csv", other}});
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("b.csv has other columns than a.csv"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace labkit::report
