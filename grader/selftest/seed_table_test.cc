// The README promises that every point of the course notes is checked by
// tests it names. This test holds it to that: each row of the table under
// "## The course notes" names at least one test, and each named test
// (Suite.Case) is a TEST in one of the labs' public or hidden sources.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

std::vector<std::string> g_files;  // argv: README.md, then test sources

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The table rows of the README's course-notes section.
std::vector<std::string> SeedRows(const std::string& readme) {
  std::vector<std::string> rows;
  size_t start = readme.find("## The course notes");
  if (start == std::string::npos) return rows;
  std::istringstream lines(readme.substr(start));
  std::string line;
  std::getline(lines, line);  // the heading
  while (std::getline(lines, line) && line.rfind("## ", 0) != 0) {
    if (line.rfind("| ", 0) == 0 && line.find("---") == std::string::npos &&
        line.find("point in the notes") == std::string::npos) {
      rows.push_back(line);
    }
  }
  return rows;
}

std::set<std::string> DefinedTests() {
  static const std::regex kTest(R"(TEST\((\w+),\s*(\w+)\))");
  std::set<std::string> names;
  for (size_t i = 1; i < g_files.size(); ++i) {
    const std::string text = Slurp(g_files[i]);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kTest);
         it != std::sregex_iterator(); ++it) {
      names.insert((*it)[1].str() + "." + (*it)[2].str());
    }
  }
  return names;
}

TEST(SeedTable, EveryPointNamesTestsThatExist) {
  ASSERT_GE(g_files.size(), 2u) << "usage: seed_table_test README.md TEST_SOURCES...";
  const std::vector<std::string> rows = SeedRows(Slurp(g_files[0]));
  ASSERT_GE(rows.size(), 20u) << "the README's course-notes table is missing or cut short";
  const std::set<std::string> defined = DefinedTests();
  ASSERT_GT(defined.size(), 100u) << "the test sources were not found";
  static const std::regex kName(R"(\b([A-Z][A-Za-z]+)\.([A-Z][A-Za-z0-9]+)\b)");
  for (const std::string& row : rows) {
    const std::string tests = row.substr(row.rfind("| ", row.size() - 3));
    int named = 0;
    for (auto it = std::sregex_iterator(tests.begin(), tests.end(), kName);
         it != std::sregex_iterator(); ++it) {
      ++named;
      EXPECT_TRUE(defined.count((*it)[0].str()))
          << (*it)[0].str() << " is named in the README but is not a test:\n  " << row;
    }
    EXPECT_GT(named, 0) << "this point names no test:\n  " << row;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  g_files.assign(argv + 1, argv + argc);
  return RUN_ALL_TESTS();
}
