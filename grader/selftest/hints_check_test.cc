// A lab's hints (labs/NN/hints.json) are held to what `labkit hint` promises:
// three tiers for every function of the header, tier two naming a handout
// that exists, and no solution code: no statement punctuation, and no line
// of the reference solution.
//
// Usage: hints_check_test --header=H --hints=HINTS_JSON --reference=SOLUTION_CC
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "grader/selftest/contract.h"

namespace labkit::selftest {
namespace {

std::map<std::string, std::string> g_args;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  return begin == std::string::npos ? "" : s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

class Hints : public ::testing::Test {
 protected:
  void SetUp() override {
    hints_ = nlohmann::json::parse(Slurp(g_args["hints"]), nullptr, false);
    ASSERT_TRUE(hints_.is_object()) << g_args["hints"] << " is not a JSON object";
  }
  nlohmann::json hints_;
};

TEST_F(Hints, GiveThreeTiersForExactlyTheHeadersFunctions) {
  std::set<std::string> declared;
  for (const auto& function : ReadContract(Slurp(g_args["header"]))) {
    declared.insert(function.name);
    ASSERT_TRUE(hints_.contains(function.name)) << function.name << " has no hints";
    const auto& tiers = hints_[function.name];
    ASSERT_TRUE(tiers.is_array() && tiers.size() == 3)
        << function.name << ": give exactly three tiers (nudge, where to read, call sequence)";
    for (const auto& tier : tiers) {
      EXPECT_TRUE(tier.is_string() && !tier.get<std::string>().empty())
          << function.name << ": a tier is empty or not text";
    }
  }
  for (const auto& [name, tiers] : hints_.items()) {
    EXPECT_TRUE(declared.count(name)) << "hints for " << name << ", which the header does not declare";
  }
}

TEST_F(Hints, SendStudentsToAHandoutThatExists) {
  static const std::regex kHandout(R"(handouts/[\w.-]+\.md)");
  for (const auto& [name, tiers] : hints_.items()) {
    if (!tiers.is_array() || tiers.size() < 2 || !tiers[1].is_string()) continue;
    const std::string where = tiers[1].get<std::string>();
    std::smatch match;
    ASSERT_TRUE(std::regex_search(where, match, kHandout))
        << name << ": tier 2 names no handout (handouts/NN_lab.md)";
    EXPECT_TRUE(std::filesystem::exists(match.str())) << name << ": no such handout " << match.str();
  }
}

TEST_F(Hints, NeverShowSolutionCode) {
  std::set<std::string> reference_lines;
  std::istringstream lines(Slurp(g_args["reference"]));
  for (std::string line; std::getline(lines, line);) {
    if (Trim(line).size() >= 20 && Trim(line).rfind("//", 0) != 0) reference_lines.insert(Trim(line));
  }
  ASSERT_FALSE(reference_lines.empty()) << "the reference solution was not found";
  for (const auto& [name, tiers] : hints_.items()) {
    for (const auto& tier : tiers) {
      if (!tier.is_string()) continue;
      const std::string text = tier.get<std::string>();
      EXPECT_EQ(text.find_first_of(";{}"), std::string::npos)
          << name << ": a hint reads like code (it holds ; { or }): " << text;
      for (const auto& line : reference_lines) {
        EXPECT_EQ(text.find(line), std::string::npos)
            << name << ": a hint quotes the reference solution: " << line;
      }
    }
  }
}

}  // namespace
}  // namespace labkit::selftest

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t equals = arg.find('=');
    if (arg.rfind("--", 0) == 0 && equals != std::string::npos) {
      labkit::selftest::g_args[arg.substr(2, equals - 2)] = arg.substr(equals + 1);
    }
  }
  for (const char* key : {"header", "hints", "reference"}) {
    if (!labkit::selftest::g_args.count(key)) {
      std::fprintf(stderr, "usage: hints_check_test --header=H --hints=JSON --reference=CC "
                           "(missing --%s)\n", key);
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
