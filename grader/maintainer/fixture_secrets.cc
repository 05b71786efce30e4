#include "grader/maintainer/fixture_secrets.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <utility>

#include "grader/report/report.h"

namespace labkit::cli {

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) return line;
  }
  return "";
}

PlantedSecret::PlantedSecret(std::string path) : path_(std::move(path)) {
  std::random_device random;
  line_ = "labkit-planted-secret-" + std::to_string(random()) + std::to_string(random());
  std::filesystem::remove(path_);  // one a killed run left
  const std::string text = line_ + "\n";
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  if (fd >= 0) ::close(fd);
  if (!written) throw std::runtime_error("cannot create " + path_);
}

PlantedSecret::~PlantedSecret() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

std::vector<std::string> Leaks(const std::vector<Forbidden>& forbidden,
                               const judge::GradeResult& result) {
  std::string outputs;
  for (const judge::GradedLab& lab : result.labs) {
    for (const judge::GradedCase& c : lab.cases) outputs += c.output + "\n";
  }
  const std::pair<std::string, std::string> views[] = {
      {"the cases' output", outputs},
      {"the terminal report", report::TerminalReport(result, false)},
      {"the JSON report", report::JsonReport(result).dump()},
      {"the Markdown report", report::MarkdownReport(result)},
      {"the JUnit report", report::JunitReport(result)},
      {"the Gradescope report", report::GradescopeReport(result).dump()}};
  std::vector<std::string> leaks;
  for (const Forbidden& secret : forbidden) {
    for (const auto& [view, shown] : views) {
      if (!secret.text.empty() && shown.find(secret.text) != std::string::npos) {
        leaks.push_back(view + " shows text from " + secret.source);
      }
    }
  }
  return leaks;
}

}  // namespace labkit::cli
