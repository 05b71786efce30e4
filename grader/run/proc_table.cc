#include "grader/run/proc_table.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace labkit::run {

pid_t ParentOf(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  size_t end = line.rfind(')');  // the command name may hold spaces
  if (end == std::string::npos) return 0;
  std::istringstream fields(line.substr(end + 2));
  std::string state;
  pid_t parent = 0;
  fields >> state >> parent;
  return parent;
}

std::vector<ProcessEntry> ProcessTable(uid_t user) {
  std::vector<ProcessEntry> table;
  std::error_code error;
  for (const std::filesystem::directory_entry& entry :
       std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename();
    struct stat owner;
    if (name.find_first_not_of("0123456789") != std::string::npos ||
        ::stat(entry.path().c_str(), &owner) != 0 || (user != kAnyUser && owner.st_uid != user)) {
      continue;
    }
    const pid_t pid = std::stoi(name);
    if (pid_t parent = ParentOf(pid); parent > 0 || pid == 1) {
      table.push_back({pid, parent, owner.st_uid});
    }
  }
  return table;
}

}  // namespace labkit::run
