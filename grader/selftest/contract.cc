#include "grader/selftest/contract.h"

#include <cstring>
#include <regex>
#include <sstream>

namespace labkit::selftest {
namespace {

// Lines that start a declaration but not of a free function.
bool StartsWithKeyword(const std::string& line) {
  static const char* const kKeywords[] = {"using ",  "struct ", "enum ",     "class ",
                                          "namespace", "template", "typedef ", "#",
                                          "}",      "extern ",  "inline constexpr"};
  for (const char* keyword : kKeywords) {
    if (line.rfind(keyword, 0) == 0) return true;
  }
  return false;
}

}  // namespace

bool IsErrnoName(const std::string& name) {
  static const std::set<std::string> kNames = [] {
    // glibc's own names, plus the aliases strerrorname_np never returns.
    std::set<std::string> names = {"EWOULDBLOCK", "ENOTSUP", "EDEADLOCK"};
    for (int error = 1; error < 256; ++error) {
      if (const char* known = ::strerrorname_np(error)) names.insert(known);
    }
    return names;
  }();
  return kNames.count(name) > 0;
}

std::vector<DeclaredFunction> ReadContract(const std::string& header) {
  static const std::regex kDeclaration(R"(^[A-Za-z_][\w:<>,\s\*&]*?\b([A-Za-z_]\w*)\()");
  static const std::regex kStep(R"(\bStep (\d+)\.)");
  static const std::regex kErrnoWord(R"(\bE[A-Z0-9]{2,}\b)");
  std::vector<DeclaredFunction> functions;
  std::string comment;  // the `//` block above the current line
  std::istringstream lines(header);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("//", 0) == 0) {
      comment += line.substr(2) + "\n";
      continue;
    }
    std::smatch match;
    if (!StartsWithKeyword(line) && std::regex_search(line, match, kDeclaration)) {
      DeclaredFunction function;
      function.name = match[1].str();
      if (std::regex_search(comment, match, kStep)) function.step = std::stoi(match[1].str());
      for (auto it = std::sregex_iterator(comment.begin(), comment.end(), kErrnoWord);
           it != std::sregex_iterator(); ++it) {
        if (IsErrnoName(it->str())) function.errnos.insert(it->str());
      }
      functions.push_back(function);
    }
    comment.clear();
  }
  return functions;
}

std::set<int> TodoSteps(const std::string& skeleton) {
  static const std::regex kTodo(R"(TODO\(step (\d+)\))");
  std::set<int> steps;
  for (auto it = std::sregex_iterator(skeleton.begin(), skeleton.end(), kTodo);
       it != std::sregex_iterator(); ++it) {
    steps.insert(std::stoi((*it)[1].str()));
  }
  return steps;
}

}  // namespace labkit::selftest
