// labs/labs.json is the one list of the labs. The places that cannot read it
// (a BUILD file, a shell script, the READMEs' tables, the sample archive)
// keep their own list, and this test holds each to it: a failure names the
// file that disagrees and says how to fix it. CONTRIBUTING.md's recipe for
// adding a lab points here. Runs in its runfiles, where every file it reads
// sits at its kit path.
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grader/build/include_prefix.h"
#include "grader/cli/catalog.h"
#include "grader/cli/release.h"

namespace labkit::cli {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return "[" + joined + "]";
}

std::vector<std::string> CatalogueIds() {
  std::vector<std::string> ids;
  for (const Lab& lab : LoadCatalog(".")) ids.push_back(lab.id);
  return ids;
}

// The quoted words of the list `name = [...]` in a BUILD file.
std::vector<std::string> StarlarkList(const std::string& text, const std::string& name) {
  std::smatch list;
  std::vector<std::string> items;
  if (!std::regex_search(text, list, std::regex(name + R"(\s*=\s*\[([^\]]*)\])"))) return items;
  const std::string body = list[1].str();
  static const std::regex kWord(R"re("([^"]+)")re");
  for (auto it = std::sregex_iterator(body.begin(), body.end(), kWord); it != std::sregex_iterator(); ++it) {
    items.push_back((*it)[1].str());
  }
  return items;
}

// The body rows of the table in the section `heading` (its header dropped).
std::vector<std::string> TableRows(const std::string& markdown, const std::string& heading) {
  std::vector<std::string> rows;
  const size_t start = markdown.find("\n" + heading + "\n");
  if (start == std::string::npos) return rows;
  std::istringstream lines(markdown.substr(start + heading.size() + 2));
  for (std::string line; std::getline(lines, line) && line.rfind("## ", 0) != 0;) {
    if (line.rfind("|", 0) != 0) continue;
    if (line.find("---") != std::string::npos) {
      rows.clear();  // what came before was the header
    } else {
      rows.push_back(line);
    }
  }
  return rows;
}

std::vector<std::string> Cells(const std::string& row) {
  std::vector<std::string> cells;
  std::istringstream parts(row.substr(1));
  for (std::string cell; std::getline(parts, cell, '|');) {
    const size_t begin = cell.find_first_not_of(' '), end = cell.find_last_not_of(' ');
    cells.push_back(begin == std::string::npos ? "" : cell.substr(begin, end - begin + 1));
  }
  return cells;
}

TEST(Catalogue, SelftestLabsAreTheCatalogue) {
  const std::vector<std::string> listed = StarlarkList(Slurp("grader/selftest/BUILD"), "_LABS");
  EXPECT_EQ(listed, CatalogueIds())
      << "grader/selftest/BUILD: _LABS is " << Join(listed) << " but labs/labs.json lists "
      << Join(CatalogueIds()) << ". Fix: make _LABS the ids of labs/labs.json, in its order.";
}

TEST(Catalogue, EveryLabHasItsHandoutAndTests) {
  for (const Lab& lab : LoadCatalog(".")) {
    EXPECT_TRUE(fs::exists(lab.handout))
        << "labs/labs.json: lab " << lab.id << " names the handout " << lab.handout
        << ", which does not exist. Fix: write it, or correct \"handout\".";
    EXPECT_TRUE(fs::exists("labs/" + lab.id + "/public_test.cc"))
        << "labs/" << lab.id << "/public_test.cc is not here. Fix: add \"" << lab.id
        << "\" to _LABS in grader/selftest/BUILD (and write the lab's public tests).";
    EXPECT_FALSE(lab.files.empty()) << "labs/labs.json: lab " << lab.id << " names no student files.";
  }
}

// The grader reads a lab file's opening #include lines precompiled when
// they are its skeleton's (grader/build/include_prefix.h). The reference
// opening the same way keeps its grades (the bench, the Gradescope image's
// warm-up) on that path, as most students' are.
TEST(Catalogue, EveryReferenceOpensWithItsSkeletonsIncludes) {
  for (const Lab& lab : LoadCatalog(".")) {
    for (const std::string& file : lab.files) {
      const std::string skeleton = "labs/" + lab.id + "/" + file;
      const std::string reference = "solutions/" + lab.id + "/" + file;
      const std::vector<std::string> includes = build::LeadingIncludes(Slurp(skeleton));
      EXPECT_FALSE(includes.empty()) << skeleton << " opens with no #include line.";
      EXPECT_TRUE(build::WithPrefixHeader(Slurp(reference), includes).has_value())
          << reference << " does not open with the #include lines of " << skeleton << " ("
          << Join(includes) << "), in that order. Fix: give it those lines first.";
    }
  }
}

// The cases and points of a lab's public and hidden tests, as `check` and
// the grader count them.
struct LabTotals {
  CasePoints public_tests, hidden_tests;
};

LabTotals TotalsOf(const Lab& lab) {
  LabTotals totals;
  const std::string public_path = "labs/" + lab.id + "/public_test.cc";
  totals.public_tests = PointsOfCases(Slurp(public_path), public_path);
  const fs::path hidden = "grader/hidden/" + lab.id;
  if (!fs::is_directory(hidden)) return totals;
  for (const auto& entry : fs::directory_iterator(hidden)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("hidden_", 0) != 0 || entry.path().extension() != ".cc") continue;
    const CasePoints file = PointsOfCases(Slurp(entry.path().string()), entry.path().string());
    totals.hidden_tests.cases += file.cases;
    totals.hidden_tests.points += file.points;
  }
  return totals;
}

TEST(Catalogue, ReadmeLabTableHasARowPerLabWithItsCasesAndPoints) {
  const std::vector<std::string> rows = TableRows(Slurp("README.md"), "## The labs");
  const std::vector<Lab> labs = LoadCatalog(".");
  ASSERT_EQ(rows.size(), labs.size())
      << "README.md: the table under \"## The labs\" has " << rows.size() << " rows, labs/labs.json "
      << labs.size() << " labs. Fix: one row per lab, in the catalogue's order.";
  for (size_t i = 0; i < labs.size(); ++i) {
    const Lab& lab = labs[i];
    const std::vector<std::string> cells = Cells(rows[i]);
    ASSERT_GE(cells.size(), 4u) << "README.md: a lab row with too few columns: " << rows[i];
    EXPECT_NE(cells[0].find("(" + lab.handout + ")"), std::string::npos)
        << "README.md: row " << i + 1 << " of \"## The labs\" should be lab " << lab.id
        << " and link its handout " << lab.handout << ": " << rows[i];
    const LabTotals totals = TotalsOf(lab);
    EXPECT_EQ(totals.hidden_tests.cases, lab.hidden_cases)
        << "labs/labs.json: lab " << lab.id << " says \"hidden_cases\": " << lab.hidden_cases
        << " but grader/hidden/" << lab.id << "/ has " << totals.hidden_tests.cases
        << ". Fix: \"hidden_cases\": " << totals.hidden_tests.cases << ".";
    const std::string cases = std::to_string(totals.public_tests.cases) + " + " +
                              std::to_string(totals.hidden_tests.cases);
    const std::string points = std::to_string(totals.public_tests.points + totals.hidden_tests.points);
    EXPECT_EQ(cells[2] + " | " + cells[3], cases + " | " + points)
        << "README.md: the row of lab " << lab.id << " in \"## The labs\" says " << cells[2]
        << " cases and " << cells[3] << " points; its tests have " << cases << " cases (public + hidden), "
        << points << " points. Fix: write those numbers in the row.";
  }
}

TEST(Catalogue, WalkthroughTableHasARowPerLab) {
  const std::vector<std::string> rows = TableRows(Slurp("handouts/README.md"), "## The course");
  std::vector<std::string> listed, wanted;
  for (const std::string& row : rows) {
    const std::vector<std::string> cells = Cells(row);
    std::smatch link;
    const std::string last = cells.empty() ? "" : cells.back();
    if (cells.size() > 1) {
      listed.push_back(cells[0] + " " +
                       (std::regex_search(last, link, std::regex(R"(\(([^)]+)\))")) ? link[1].str() : "no link"));
    }
  }
  for (const Lab& lab : LoadCatalog(".")) {
    wanted.push_back(lab.number + " " + fs::path(lab.handout).filename().string());
  }
  EXPECT_EQ(listed, wanted) << "handouts/README.md: the table under \"## The course\" lists "
                            << Join(listed) << "; labs/labs.json wants " << Join(wanted)
                            << ". Fix: one row per lab, in order, linking its handout.";
}

// The lab folders in the sample archive: student-repo/labs/<id>/...
std::set<std::string> ArchiveLabs(const std::string& path) {
  std::set<std::string> labs;
  archive* in = archive_read_new();
  archive_read_support_filter_gzip(in);
  archive_read_support_format_tar(in);
  if (archive_read_open_filename(in, path.c_str(), 1 << 16) == ARCHIVE_OK) {
    archive_entry* entry;
    static const std::regex kLab(R"(^student-repo/labs/([^/]+)/.+)");
    while (archive_read_next_header(in, &entry) == ARCHIVE_OK) {
      std::smatch match;
      const std::string name = archive_entry_pathname(entry);
      if (std::regex_match(name, match, kLab)) labs.insert(match[1].str());
    }
  }
  archive_read_free(in);
  return labs;
}

TEST(Catalogue, SampleSubmissionHasEveryLab) {
  const std::vector<std::string> ids = CatalogueIds();
  const std::set<std::string> catalogue(ids.begin(), ids.end());
  const std::string script = Slurp("grader/samples/make_classic_bugs.sh");
  static const std::regex kNamed(R"(\[(\w+)\]="|NOT_STARTED="(\w+)\")");
  for (auto it = std::sregex_iterator(script.begin(), script.end(), kNamed); it != std::sregex_iterator(); ++it) {
    const std::string lab = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
    EXPECT_TRUE(catalogue.count(lab)) << "grader/samples/make_classic_bugs.sh names lab " << lab
                                      << ", which labs/labs.json does not list. Fix: rename or drop it.";
  }
  const std::set<std::string> packed = ArchiveLabs("grader/samples/classic_bugs.tar.gz");
  EXPECT_EQ(packed, catalogue) << "grader/samples/classic_bugs.tar.gz holds the labs "
                               << Join({packed.begin(), packed.end()}) << "; labs/labs.json lists "
                               << Join(ids) << ". Fix: run grader/samples/make_classic_bugs.sh.";
}

TEST(Catalogue, EveryRecordedCallHasItsWrapper) {
  const std::vector<std::string> listed = StarlarkList(Slurp("grader/harness/BUILD"), "_RECORDED_CALLS");
  ASSERT_FALSE(listed.empty()) << "grader/harness/BUILD: no _RECORDED_CALLS list found";
  const std::string recorder = Slurp("grader/harness/call_recorder.cc");
  static const std::regex kWrapper(R"(\b__wrap_(\w+)\()");
  std::set<std::string> wrapped;
  for (auto it = std::sregex_iterator(recorder.begin(), recorder.end(), kWrapper); it != std::sregex_iterator(); ++it) {
    wrapped.insert((*it)[1].str());
  }
  const std::set<std::string> linked(listed.begin(), listed.end());
  for (const std::string& call : linked) {
    EXPECT_TRUE(wrapped.count(call)) << "grader/harness/BUILD links with --wrap=" << call
                                     << " but grader/harness/call_recorder.cc defines no __wrap_" << call
                                     << ". Fix: write the wrapper (its LABKIT_RECORDED line).";
  }
  for (const std::string& call : wrapped) {
    EXPECT_TRUE(linked.count(call)) << "grader/harness/call_recorder.cc defines __wrap_" << call
                                    << " but _RECORDED_CALLS in grader/harness/BUILD lacks \"" << call
                                    << "\", so it never runs. Fix: add it to _RECORDED_CALLS.";
  }
}

}  // namespace
}  // namespace labkit::cli
