// The handouts and the facts suite cite each other, so neither can drift:
// every fact a handout names ("(fact: FactsUnix.PathOf108BytesIsAccepted)")
// is a TEST in grader/facts, and every such TEST is named by some handout.
// argv: the handouts, then "--", then the facts suite's sources.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

std::vector<std::string> g_handouts, g_sources;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string BaseName(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::set<std::string> DefinedFacts() {
  static const std::regex kTest(R"(TEST\((Facts\w+),\s*(\w+)\))");
  std::set<std::string> names;
  for (const std::string& path : g_sources) {
    const std::string text = Slurp(path);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kTest);
         it != std::sregex_iterator(); ++it) {
      names.insert((*it)[1].str() + "." + (*it)[2].str());
    }
  }
  return names;
}

// Fact name -> the handouts (and lines) that cite it.
std::map<std::string, std::vector<std::string>> CitedFacts() {
  static const std::regex kCited(R"(\b(Facts[A-Z][A-Za-z]*\.[A-Z][A-Za-z0-9]*)\b)");
  std::map<std::string, std::vector<std::string>> cited;
  for (const std::string& path : g_handouts) {
    std::istringstream lines(Slurp(path));
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      for (auto it = std::sregex_iterator(line.begin(), line.end(), kCited);
           it != std::sregex_iterator(); ++it) {
        cited[(*it)[1].str()].push_back(BaseName(path) + ":" + std::to_string(number));
      }
    }
  }
  return cited;
}

TEST(FactsCited, EveryCitedFactIsACheck) {
  ASSERT_GE(g_handouts.size(), 7u) << "usage: facts_cited_test HANDOUTS... -- FACT_SOURCES...";
  const std::set<std::string> defined = DefinedFacts();
  ASSERT_GT(defined.size(), 50u) << "the facts suite's sources were not found";
  const auto cited = CitedFacts();
  ASSERT_FALSE(cited.empty()) << "no handout cites a fact";
  for (const auto& [name, places] : cited) {
    EXPECT_TRUE(defined.count(name)) << name << " is cited at " << places.front()
                                     << " but is no TEST in grader/facts";
  }
}

TEST(FactsCited, EveryCheckIsCitedByAHandout) {
  const auto cited = CitedFacts();
  for (const std::string& name : DefinedFacts()) {
    EXPECT_TRUE(cited.count(name)) << name << " checks a fact that no handout states: cite it "
                                   << "where the handout says it, or remove the check";
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  bool sources = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      sources = true;
    } else {
      (sources ? g_sources : g_handouts).push_back(arg);
    }
  }
  return RUN_ALL_TESTS();
}
