// A lab's behaviour matrix (grader/hidden/NN/behaviours.json) lists what its
// header promises, function by function, and the cases that check each
// promise. This test holds the matrix to the header and to the suites:
// nothing the header promises goes untested, and no case tests nothing.
//
// It also holds the catalogue (labs/labs.json) to the suites: the number of
// hidden cases it tells students is the number there are.
//
// Usage: behaviour_matrix_test --header=H --skeleton=S --matrix=M
//                              --graded=GRADED_BINARY --public=PUBLIC_BINARY
//                              --catalog=labs/labs.json --lab=NN_name
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "grader/selftest/contract.h"

namespace labkit::selftest {
namespace {

std::map<std::string, std::string> g_args;  // --name=value from argv

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cases a GoogleTest binary holds, as Suite.Name.
std::set<std::string> ListedCases(const std::string& binary) {
  std::set<std::string> cases;
  // Without Bazel's test variables: the binary is listed, not run as a test,
  // and must not write or remove this test's own output files.
  const std::string command = "env -u TEST_PREMATURE_EXIT_FILE -u XML_OUTPUT_FILE -u GTEST_OUTPUT " +
                              binary + " --gtest_list_tests 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return cases;
  std::string suite;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    std::string line(buffer);
    line = line.substr(0, line.find_first_of("#\n"));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (line.empty()) continue;
    if (line[0] != ' ') {
      suite = line;  // "Suite."
    } else {
      cases.insert(suite + line.substr(line.find_first_not_of(' ')));
    }
  }
  ::pclose(pipe);
  return cases;
}

class BehaviourMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    contract_ = new std::vector<DeclaredFunction>(ReadContract(Slurp(g_args["header"])));
    todo_steps_ = new std::set<int>(TodoSteps(Slurp(g_args["skeleton"])));
    graded_ = new std::set<std::string>(ListedCases(g_args["graded"]));
    public_ = new std::set<std::string>(ListedCases(g_args["public"]));
    matrix_ = new nlohmann::json(nlohmann::json::parse(Slurp(g_args["matrix"]), nullptr, false));
  }

  void SetUp() override {
    ASSERT_FALSE(contract_->empty()) << "no function declared in " << g_args["header"];
    ASSERT_FALSE(graded_->empty()) << "no case listed by " << g_args["graded"];
    ASSERT_FALSE(public_->empty()) << "no case listed by " << g_args["public"];
    ASSERT_FALSE(matrix_->is_discarded()) << g_args["matrix"] << " is not valid JSON";
    ASSERT_TRUE(matrix_->contains("functions") && (*matrix_)["functions"].is_array())
        << g_args["matrix"] << " has no \"functions\" array";
  }

  // The matrix's entry for `name`, or null.
  static const nlohmann::json* Entry(const std::string& name) {
    for (const auto& entry : (*matrix_)["functions"]) {
      if (entry.value("name", "") == name) return &entry;
    }
    return nullptr;
  }

  static std::vector<std::string> Strings(const nlohmann::json& entry, const char* key) {
    std::vector<std::string> out;
    if (entry.contains(key) && entry[key].is_array()) {
      for (const auto& item : entry[key]) {
        if (item.is_string()) out.push_back(item.get<std::string>());
      }
    }
    return out;
  }

  static const nlohmann::json& Promises(const nlohmann::json& entry) {
    static const nlohmann::json kNone = nlohmann::json::array();
    return entry.contains("promises") && entry["promises"].is_array() ? entry["promises"] : kNone;
  }

  static inline std::vector<DeclaredFunction>* contract_;
  static inline std::set<int>* todo_steps_;
  static inline std::set<std::string>* graded_;
  static inline std::set<std::string>* public_;
  static inline nlohmann::json* matrix_;
};

TEST_F(BehaviourMatrix, ListsExactlyTheHeadersFunctions) {
  std::set<std::string> declared;
  for (const auto& function : *contract_) {
    declared.insert(function.name);
    EXPECT_TRUE(Entry(function.name) != nullptr)
        << function.name << " is declared in the header but has no entry in the matrix";
  }
  for (const auto& entry : (*matrix_)["functions"]) {
    EXPECT_TRUE(declared.count(entry.value("name", "")))
        << "the matrix has an entry \"" << entry.value("name", "")
        << "\", which the header does not declare";
  }
}

TEST_F(BehaviourMatrix, GivesEachFunctionTheStepOfItsComment) {
  for (const auto& function : *contract_) {
    const nlohmann::json* entry = Entry(function.name);
    if (entry == nullptr || function.step == 0) continue;
    EXPECT_EQ(entry->value("step", 0), function.step)
        << function.name << ": the header's comment says Step " << function.step;
  }
}

TEST_F(BehaviourMatrix, ChecksEveryErrnoTheHeaderNames) {
  for (const auto& function : *contract_) {
    const nlohmann::json* entry = Entry(function.name);
    if (entry == nullptr) continue;
    std::set<std::string> checked;
    for (const auto& promise : Promises(*entry)) checked.insert(promise.value("errno", ""));
    for (const auto& error : function.errnos) {
      EXPECT_TRUE(checked.count(error))
          << function.name << ": the header names " << error
          << ", but no promise of the matrix with \"errno\": \"" << error << "\" checks it";
    }
    for (const auto& error : checked) {
      EXPECT_TRUE(error.empty() || IsErrnoName(error))
          << function.name << ": \"" << error << "\" is not an errno name";
    }
  }
}

TEST_F(BehaviourMatrix, GivesEachFunctionAPublicCaseAndEachPromiseACase) {
  for (const auto& entry : (*matrix_)["functions"]) {
    const std::string name = entry.value("name", "");
    const std::vector<std::string> shown = Strings(entry, "public");
    EXPECT_FALSE(shown.empty()) << name << " has no public case: a student cannot try it";
    for (const auto& c : shown) {
      EXPECT_TRUE(public_->count(c)) << name << ": no public case named " << c;
    }
    EXPECT_FALSE(Promises(entry).empty()) << name << " lists no promise";
    for (const auto& promise : Promises(entry)) {
      const std::vector<std::string> cases = Strings(promise, "cases");
      EXPECT_FALSE(cases.empty()) << name << ": no case checks \""
                                  << promise.value("promise", "") << "\"";
      for (const auto& c : cases) {
        EXPECT_TRUE(graded_->count(c)) << name << ": the graded suite has no case " << c;
      }
    }
  }
}

TEST_F(BehaviourMatrix, MapsEveryGradedCaseToAPromise) {
  std::set<std::string> mapped;
  for (const auto& entry : (*matrix_)["functions"]) {
    for (const auto& promise : Promises(entry)) {
      for (const auto& c : Strings(promise, "cases")) mapped.insert(c);
    }
  }
  for (const auto& c : *graded_) {
    EXPECT_TRUE(mapped.count(c)) << c << " checks no promise the matrix lists";
  }
}

TEST_F(BehaviourMatrix, CatalogueTellsTheTrueNumberOfHiddenCases) {
  const nlohmann::json catalog = nlohmann::json::parse(Slurp(g_args["catalog"]), nullptr, false);
  ASSERT_FALSE(catalog.is_discarded()) << g_args["catalog"] << " is not valid JSON";
  int hidden = -1;
  for (const auto& lab : catalog.value("labs", nlohmann::json::array())) {
    if (lab.value("id", "") == g_args["lab"]) hidden = lab.value("hidden_cases", -1);
  }
  EXPECT_EQ(hidden, static_cast<int>(graded_->size() - public_->size()))
      << "set \"hidden_cases\" of " << g_args["lab"] << " in " << g_args["catalog"]
      << ": `check` and `status` tell students how many hidden cases the grader runs";
}

TEST_F(BehaviourMatrix, GivesEveryTodoStepAPublicCase) {
  for (int step : *todo_steps_) {
    bool shown = false;
    for (const auto& entry : (*matrix_)["functions"]) {
      shown = shown || (entry.value("step", 0) == step && !Strings(entry, "public").empty());
    }
    EXPECT_TRUE(shown) << "TODO(step " << step << ") of the skeleton has no public case";
  }
}

}  // namespace
}  // namespace labkit::selftest

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t equals = arg.find('=');
    if (arg.rfind("--", 0) == 0 && equals != std::string::npos) {
      labkit::selftest::g_args[arg.substr(2, equals - 2)] = arg.substr(equals + 1);
    }
  }
  for (const char* key : {"header", "skeleton", "matrix", "graded", "public", "catalog", "lab"}) {
    if (labkit::selftest::g_args.count(key) == 0) {
      std::fprintf(stderr, "usage: behaviour_matrix_test --header=H --skeleton=S --matrix=M "
                           "--graded=BINARY --public=BINARY --catalog=JSON --lab=ID (missing --%s)\n", key);
      return 2;
    }
  }
  return RUN_ALL_TESTS();
}
