#include "grader/testing/scratch.h"

#include <cstdlib>
#include <filesystem>

namespace labkit::scratch {

std::string Path(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(base ? base : "/tmp") + "/" + name;
  std::filesystem::remove_all(path);
  return path;
}

std::string Dir(const std::string& name) {
  const std::string path = Path(name);
  std::filesystem::create_directories(path);
  return path;
}

}  // namespace labkit::scratch
