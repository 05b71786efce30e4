#include "grader/mutate/survivor_list.h"

#include <sstream>

namespace labkit::mutate {

std::map<std::string, std::string> ReadSurvivorList(const std::string& markdown) {
  std::map<std::string, std::string> survivors;
  std::istringstream lines(markdown);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("- `", 0) != 0) continue;
    const size_t end = line.find('`', 3);
    if (end == std::string::npos) continue;
    survivors[line.substr(3, end - 3)] = line;
  }
  return survivors;
}

}  // namespace labkit::mutate
