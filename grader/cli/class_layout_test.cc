// Class folders as Gradescope and Canvas export them.
#include "grader/cli/class_layout.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "grader/cli/catalog.h"
#include "grader/testing/scratch.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

// Gradescope's layout: Ruby-style ":key:" names, quoted ids, group
// submissions, and keys the gradebook does not need (nested ones too).
const char kMetadata[] = R"(---
submission_123:
  :submitters:
  - :name: Solo Student
    :sid: '100'
    :email: solo@example.edu
  :created_at: 2026-11-30 10:24:47.162213000 -08:00
  :score: 12.0
  :history:
  - :submitters:
    - :name: Not This One
      :sid: '999'
submission_124:
  :submitters:
  - :name: "Pair \"One\""
    :sid: "200"
    :email: one@example.edu
  -   :sid: 201
      :name: O'Brien, Two  # a comment
submission_125:
  :submitters: []
)";

TEST(GradescopeMetadata, ReadsEachFoldersSubmitters) {
  auto folders = ParseGradescopeMetadata(kMetadata);
  ASSERT_EQ(folders.size(), 3u);
  ASSERT_EQ(folders["submission_123"].size(), 1u);
  EXPECT_EQ(folders["submission_123"][0].student, "100");
  EXPECT_EQ(folders["submission_123"][0].name, "Solo Student");
  ASSERT_EQ(folders["submission_124"].size(), 2u);
  EXPECT_EQ(folders["submission_124"][0].name, "Pair \"One\"");
  EXPECT_EQ(folders["submission_124"][0].student, "200");
  EXPECT_EQ(folders["submission_124"][1].student, "201");
  EXPECT_EQ(folders["submission_124"][1].name, "O'Brien, Two");
  EXPECT_TRUE(folders["submission_125"].empty());
}

TEST(GradescopeMetadata, RefusesWhatIsNotThatLayoutWithTheLine) {
  for (const char* text : {"  indented_first: x\n", "submission_1: value\n",
                           "submission_1:\n  :submitters:\n  - :name: 'open\n"}) {
    try {
      ParseGradescopeMetadata(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const std::runtime_error& error) {
      EXPECT_EQ(std::string(error.what()).rfind("line ", 0), 0u) << error.what();
    }
  }
}

TEST(CanvasNames, SplitsTheStudentFromTheFile) {
  auto plain = ParseCanvasName("doejane_4242_987654_socket_lab.cc");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->lastfirst, "doejane");
  EXPECT_EQ(plain->user_id, "4242");
  EXPECT_FALSE(plain->late);
  EXPECT_EQ(plain->file, "socket_lab.cc");
  auto late = ParseCanvasName("doejane_LATE_4242_987654_bind_lab-1.cc");
  ASSERT_TRUE(late);
  EXPECT_TRUE(late->late);
  EXPECT_EQ(late->user_id, "4242");
  EXPECT_EQ(late->file, "bind_lab-1.cc");
  for (const char* other : {"socket_lab.cc", "alice", "doe_jane_1_2.cc", "doejane_12_x_a.cc", "doejane_1_2_",
                            "_1_2_a.cc", "submission_123456"}) {
    EXPECT_FALSE(ParseCanvasName(other)) << other;
  }
}

void Touch(const fs::path& path, const std::string& text = "x") { std::ofstream(path) << text; }

TEST(ListClass, AGradescopeExportNamesEachFoldersSubmitters) {
  const std::string dir = scratch::Dir("gradescope");
  Touch(fs::path(dir) / "submission_metadata.yml", kMetadata);
  for (const char* folder : {"submission_124", "submission_123", "stray", "feedback"}) {
    fs::create_directory(fs::path(dir) / folder);
  }
  Touch(fs::path(dir) / "gradebook.csv");
  // The batch's own gradebook and feedback folder are not submissions.
  ClassListing listing = ListClass(dir, {dir + "/gradebook.csv", dir + "/./feedback", ""});
  EXPECT_EQ(listing.layout, "Gradescope export");
  ASSERT_EQ(listing.submissions.size(), 3u);  // the metadata file is not a submission
  EXPECT_EQ(listing.submissions[0].key, "stray");
  EXPECT_EQ(listing.submissions[0].who.student, "stray");
  EXPECT_EQ(listing.submissions[1].key, "submission_123");
  EXPECT_EQ(listing.submissions[1].who.student, "100");
  EXPECT_EQ(listing.submissions[2].who.student, "200;201");
  EXPECT_EQ(listing.submissions[2].who.name, "Pair \"One\"; O'Brien, Two");
  ASSERT_EQ(listing.notes.size(), 1u);
  EXPECT_NE(listing.notes[0].find("stray is not in submission_metadata.yml"), std::string::npos);
}

TEST(ListClass, ACanvasDownloadIsGroupedByStudent) {
  const std::string dir = scratch::Dir("canvas");
  for (const char* file : {"doejane_4242_1_socket_lab.cc", "doejane_4242_1_bind_lab.cc",
                           "roebob_LATE_77_2_Socket_Lab-1.cc", "smithann_55_3_labs.zip", "alice.tar.gz"}) {
    Touch(fs::path(dir) / file);
  }
  ClassListing listing = ListClass(dir);
  EXPECT_EQ(listing.layout, "Canvas download");
  ASSERT_EQ(listing.submissions.size(), 4u);
  const ClassSubmission& alice = listing.submissions[0];
  EXPECT_EQ(alice.key, "alice.tar.gz");
  EXPECT_EQ(alice.who.student, "alice");
  const ClassSubmission& jane = listing.submissions[1];
  EXPECT_EQ(jane.key, "doejane_4242");
  EXPECT_EQ(jane.who.student, "4242");
  EXPECT_EQ(jane.who.name, "doejane");
  EXPECT_TRUE(jane.path.empty());
  ASSERT_EQ(jane.files.size(), 2u);
  EXPECT_EQ(jane.files[0].first, "bind_lab.cc");
  EXPECT_EQ(jane.files[1].first, "socket_lab.cc");
  EXPECT_EQ(listing.submissions[2].key, "roebob_77");
  EXPECT_EQ(listing.submissions[2].files[0].first, "Socket_Lab-1.cc");
  // One archive is graded as the archive it is.
  const ClassSubmission& ann = listing.submissions[3];
  EXPECT_EQ(ann.who.student, "55");
  EXPECT_TRUE(ann.files.empty());
  EXPECT_EQ(fs::path(ann.path).filename(), "smithann_55_3_labs.zip");
}

TEST(ListClass, PointsAtTheExportInsideTheFolderGiven) {
  const std::string dir = scratch::Dir("wrapped");
  fs::create_directories(fs::path(dir) / "assignment_7_export" / "submission_1");
  Touch(fs::path(dir) / "assignment_7_export" / "submission_metadata.yml", kMetadata);
  try {
    ListClass(dir);
    FAIL() << "graded the export's wrapper as one submission";
  } catch (const UserError& error) {
    EXPECT_NE(std::string(error.what()).find("give --class " + dir + "/assignment_7_export"), std::string::npos)
        << error.what();
  }
}

TEST(ListClass, RefusesAFileThatIsNotAFolder) {
  EXPECT_THROW(ListClass("/nonexistent/class"), UserError);
}

}  // namespace
}  // namespace labkit::cli
