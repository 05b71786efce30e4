#include "grader/grade/work_dir.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace labkit::grade {

namespace fs = std::filesystem;

void RemoveAbandonedWorkDirs(const std::string& parent, const std::vector<std::string>& prefixes) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename();
    for (const std::string& prefix : prefixes) {
      if (name.rfind(prefix, 0) != 0) continue;
      const pid_t owner = std::atoi(name.c_str() + prefix.size());
      if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) {
        std::error_code ignored;
        fs::remove_all(entry.path(), ignored);
      }
    }
  }
}

std::string MakeWorkDir(const std::string& parent) {
  RemoveAbandonedWorkDirs(parent);
  std::string name = parent + "/labkit-grade." + std::to_string(::getpid()) + ".XXXXXX";
  if (::mkdtemp(name.data()) == nullptr) {
    throw std::runtime_error("cannot create a work folder in " + parent);
  }
  ::chmod(name.c_str(), 0755);  // the case users read the binaries in it
  return name;
}

}  // namespace labkit::grade
