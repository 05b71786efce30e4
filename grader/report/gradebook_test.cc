// The class gradebook: rows appended whole, read back on reopen, a torn last
// row dropped, so a killed batch resumes with no row lost or duplicated.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "grader/report/gradebook.h"
#include "grader/report/sample_result.h"

namespace labkit::report {
namespace {

using testing::SampleResult;

const std::vector<std::string> kLabs = {"01_socket", "03_listen", "04_accept", "05_connect"};
const std::string kHeader =
    "student,name,submission,01_socket,01_socket_status,03_listen,03_listen_status,04_accept,"
    "04_accept_status,05_connect,05_connect_status,total,max_score\n";
// SampleResult's cells after the name: a lab that passed, one with a case that
// timed out, one that did not build and one that is missing.
const std::string kCells = ",5,ok,2,timeout,0,build_failed,0,missing,7,25";

// A fresh path in the test's scratch directory.
std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::remove(path.c_str());
  return path;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

GradeResult Named(const std::string& name) {
  GradeResult result = SampleResult();
  result.submission = name;
  return result;
}

TEST(Gradebook, ANewFileGetsTheHeaderAndEachAppendOneRow) {
  std::string path = TempPath("new.csv");
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    EXPECT_EQ(Read(path), kHeader);
    book.Append(Named("alice"));
  }
  // The lab that did not build and the missing lab score 0.
  EXPECT_EQ(Read(path), kHeader + ",,alice" + kCells + "\n");
}

TEST(Gradebook, ReopeningKnowsTheRowsAndNeverDuplicatesOne) {
  std::string path = TempPath("reopen.csv");
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    book.Append(Named("alice"));
    book.Append(Named("bob"));
    EXPECT_TRUE(book.Has("bob"));
  }
  Gradebook book = Gradebook::Open(path, kLabs);
  EXPECT_TRUE(book.Has("alice"));
  EXPECT_TRUE(book.Has("bob"));
  EXPECT_FALSE(book.Has("carol"));
  book.Append(Named("alice"));  // already there: nothing is written
  book.Append(Named("carol"));
  EXPECT_EQ(Read(path), kHeader + ",,alice" + kCells + "\n,,bob" + kCells + "\n,,carol" + kCells + "\n");
}

TEST(Gradebook, DropsATornLastRowAndRewritesTheFileWithoutIt) {
  std::string path = TempPath("torn.csv");
  Write(path, kHeader + ",,alice" + kCells + "\n,,bob,5,ok,2");
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    EXPECT_TRUE(book.Has("alice"));
    EXPECT_FALSE(book.Has("bob"));
  }
  EXPECT_EQ(Read(path), kHeader + ",,alice" + kCells + "\n");
}

TEST(Gradebook, ARowTornInsideAQuotedNewlineIsTornToo) {
  std::string path = TempPath("torn_quoted.csv");
  // The newline inside the quotes does not end the row.
  Write(path, kHeader + ",,alice" + kCells + "\n,,\"two\nlines");
  Gradebook book = Gradebook::Open(path, kLabs);
  EXPECT_FALSE(book.Has("two\nlines"));
  EXPECT_FALSE(book.Has("two"));
  EXPECT_EQ(Read(path), kHeader + ",,alice" + kCells + "\n");
}

TEST(Gradebook, ATornHeaderIsWrittenAgain) {
  std::string path = TempPath("torn_header.csv");
  Write(path, "student,name,submission,01_so");
  Gradebook book = Gradebook::Open(path, kLabs);
  EXPECT_EQ(Read(path), kHeader);
}

TEST(Gradebook, QuotesNamesWithCommasQuotesAndNewlinesAndReadsThemBack) {
  EXPECT_EQ(Gradebook::FormatRow({"plain", "a,b", "say \"hi\"", "two\nlines", ""}),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",");
  std::string path = TempPath("quoted.csv");
  const std::vector<std::string> names = {"Doe, Jane", "the \"best\" one", "two\r\nlines", "x,\"\n"};
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    for (const std::string& name : names) book.Append(Named(name));
  }
  Gradebook book = Gradebook::Open(path, kLabs);
  for (const std::string& name : names) EXPECT_TRUE(book.Has(name)) << name;
  EXPECT_FALSE(book.Has("Doe"));
  EXPECT_NE(Read(path).find("\"Doe, Jane\"" + kCells + "\n"), std::string::npos);
}

TEST(Gradebook, NoSubmissionNameBecomesAFormulaOrAControl) {
  EXPECT_EQ(Gradebook::FormatRow({"=1+1", "-2", "+3", "@A1", "'q", "7"}), "'=1+1,'-2,'+3,'@A1,''q,7");
  std::string path = TempPath("hostile.csv");
  const std::vector<std::string> names = {
      "=HYPERLINK(\"http://x\",\"click\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
      "\tindent", "\r=1", "'=already", "esc\x1b[2K\rbell\x07", "a\\x1b",
      "rtl\xE2\x80\xAE" "cod.exe", "x;=1+1"};
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    for (const std::string& name : names) book.Append(Named(name));
  }
  std::string text = Read(path);
  EXPECT_NE(text.find("\n,,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"" + kCells + "\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n,,esc\\x1b[2K\\rbell\\x07,5,ok"), std::string::npos) << text;
  EXPECT_NE(text.find("\n,,rtl\\u{202e}cod.exe,"), std::string::npos) << text;
  // Only the line ends are controls; every row is one line.
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    EXPECT_TRUE(u >= 0x20 || c == '\n') << int{u};
  }
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), static_cast<long>(names.size()) + 1);
  // No cell starts a formula, quoted or not; ";=" is inside a quoted cell.
  for (size_t at = 0; (at = text.find_first_of("=+-@", at)) != std::string::npos; ++at) {
    char before = text[at - 1];
    bool quoted_start = before == '"' && (text[at - 2] == '\n' || text[at - 2] == ',');
    EXPECT_FALSE(before == '\n' || before == ',' || quoted_start) << text.substr(at - 1, 20);
  }
  // Reopened, each name is known again, and two that look alike are not one.
  Gradebook book = Gradebook::Open(path, kLabs);
  for (const std::string& name : names) EXPECT_TRUE(book.Has(name)) << name;
  EXPECT_FALSE(book.Has("a\x1b"));
  EXPECT_FALSE(book.Has("=already"));
}

TEST(Gradebook, RefusesAFileWrittenForOtherLabs) {
  std::string path = TempPath("other_labs.csv");
  // A torn row too: a file that is refused is not touched at all.
  Write(path, "submission,01_socket,total,max_score\nalice,5,5,5\nbo");
  try {
    Gradebook::Open(path, kLabs);
    FAIL() << "opened a gradebook for other labs";
  } catch (const std::runtime_error& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("has the columns [submission, 01_socket, total, max_score]"), std::string::npos)
        << message;
    EXPECT_NE(message.find("03_listen"), std::string::npos) << message;
  }
  EXPECT_EQ(Read(path), "submission,01_socket,total,max_score\nalice,5,5,5\nbo");
}

TEST(Gradebook, RefusesARowWithTheWrongNumberOfFields) {
  std::string path = TempPath("short_row.csv");
  Write(path, kHeader + ",,alice,5\n");
  EXPECT_THROW(Gradebook::Open(path, kLabs), std::runtime_error);
}

TEST(Gradebook, RefusesASecondBatchOnTheSameFile) {
  std::string path = TempPath("locked.csv");
  Gradebook first = Gradebook::Open(path, kLabs);
  EXPECT_THROW(Gradebook::Open(path, kLabs), std::runtime_error);
}

TEST(Gradebook, AResumedBatchEndsWithEveryRowOnce) {
  std::string path = TempPath("resume.csv");
  const std::vector<std::string> batch = {"s1", "s2", "s3", "s4", "s5"};
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    book.Append(Named("s1"));
    book.Append(Named("s2"));
  }
  // Killed while writing s3's row.
  std::ofstream(path, std::ios::app | std::ios::binary) << ",,s3,5,ok";
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    for (const std::string& name : batch) {
      if (!book.Has(name)) book.Append(Named(name));
    }
  }
  std::string rows = Read(path);
  std::string expected = kHeader;
  for (const std::string& name : batch) expected += ",," + name + kCells + "\n";
  EXPECT_EQ(rows, expected);
}

TEST(Gradebook, EachLabHasAStatusSoAMissingLabAFailedBuildAndARealZeroDiffer) {
  std::string path = TempPath("statuses.csv");
  GradeResult result = Named("sub_1");
  // 01_socket: built and ran, every case failed on an expectation: a real zero.
  result.labs[0].score = 0;
  for (GradedCase& c : result.labs[0].cases) c.status = CaseStatus::kFailed, c.score = 0;
  // 03_listen: a crash outranks nothing worse than itself; a machine error
  // outranks the timeout already there.
  result.labs[1].cases[0].status = CaseStatus::kMachineError;
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    book.Append(result, {"12345", "Doe, Jane"});
  }
  EXPECT_EQ(Read(path), kHeader + "12345,\"Doe, Jane\",sub_1,0,ok,2,machine_error,0,build_failed,0,"
                                  "missing,7,25\n");
}

TEST(Gradebook, OutcomesComeFromTheCasesWorstFirst) {
  GradedLab lab = testing::Lab("02_bind", "Bind", 0, 4, LabStatus::kOk);
  lab.cases = {testing::Case("A", 0, 2, CaseStatus::kFailed), testing::Case("B", 0, 2, CaseStatus::kFailed)};
  lab.cases[0].failure = lab.cases[1].failure = "expected ok, got ENOSYS";
  EXPECT_STREQ(OutcomeName(OutcomeOf(lab)), "not_started");
  lab.cases[1].failure = "expected 3, got 4";
  EXPECT_STREQ(OutcomeName(OutcomeOf(lab)), "ok");
  lab.cases[0].status = CaseStatus::kExitedEarly;
  EXPECT_STREQ(OutcomeName(OutcomeOf(lab)), "crashed");
  lab.cases[1].status = CaseStatus::kTimedOut;
  EXPECT_STREQ(OutcomeName(OutcomeOf(lab)), "timeout");
  lab.status = LabStatus::kBuildFailed;
  EXPECT_STREQ(OutcomeName(OutcomeOf(lab)), "build_failed");
  lab.status = LabStatus::kMissing;
  EXPECT_STREQ(OutcomeName(OutcomeOf(lab)), "missing");
}

TEST(Gradebook, ReplacingARowRewritesTheFileWithTheRowInItsPlace) {
  std::string path = TempPath("regrade.csv");
  {
    Gradebook book = Gradebook::Open(path, kLabs);
    book.Append(Named("alice"));
    book.Append(Named("bob"));
  }
  Gradebook book = Gradebook::Open(path, kLabs);
  GradeResult better = Named("alice");
  better.score = 9;
  book.Append(better);  // without replace: kept as it was
  EXPECT_EQ(Read(path), kHeader + ",,alice" + kCells + "\n,,bob" + kCells + "\n");
  book.Append(better, {"7", "Alice"}, true);
  EXPECT_EQ(Read(path), kHeader + "7,Alice,alice,5,ok,2,timeout,0,build_failed,0,missing,9,25\n,,bob" +
                            kCells + "\n");
  // The new file is still this batch's: another is refused, appends land in it.
  EXPECT_THROW(Gradebook::Open(path, kLabs), std::runtime_error);
  book.Append(Named("carol"));
  EXPECT_NE(Read(path).find("\n,,carol" + kCells + "\n"), std::string::npos);
}

}  // namespace
}  // namespace labkit::report
