#include "grader/cli/hints.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "grader/cli/catalog.h"

namespace labkit::cli {

std::map<std::string, std::vector<std::string>> LoadHints(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UserError("this lab has no hints yet (" + path + " is missing)");
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_discarded() || !json.is_object()) throw UserError(path + " is not valid JSON");
  std::map<std::string, std::vector<std::string>> hints;
  for (const auto& [function, tiers] : json.items()) {
    if (!tiers.is_array()) throw UserError(path + ": the hints of " + function + " are not a list");
    for (const auto& tier : tiers) hints[function].push_back(tier.get<std::string>());
  }
  return hints;
}

std::string FunctionBehind(const std::string& transcript,
                           const std::map<std::string, std::vector<std::string>>& functions) {
  // The name called last within `text`, or "".
  auto last_called = [&](const std::string& text) {
    std::string found;
    size_t found_at = 0;
    for (const auto& [name, tiers] : functions) {
      const size_t at = text.rfind(name + "(");
      const bool whole_word = at != std::string::npos &&
                              (at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) ||
                                            text[at - 1] == '_'));
      if (whole_word && (found.empty() || at > found_at)) found = name, found_at = at;
    }
    return found;
  };
  const size_t failed = transcript.find(">>> ");
  if (failed != std::string::npos) {
    const std::string line = transcript.substr(failed, transcript.find('\n', failed) - failed);
    if (std::string name = last_called(line); !name.empty()) return name;
    return last_called(transcript.substr(0, failed));
  }
  return last_called(transcript);
}

HintProgress::HintProgress(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (json.is_object()) {
    for (const auto& [key, shown] : json.items()) {
      if (shown.is_number_integer()) shown_[key] = shown.get<int>();
    }
  }
}

int HintProgress::Next(const std::string& key, int tiers) {
  int& shown = shown_[key];
  shown = std::min(shown + 1, tiers);
  Save();
  return shown;
}

void HintProgress::Reset(const std::string& key) {
  shown_.erase(key);
  Save();
}

void HintProgress::Save() const {
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  std::ofstream(path_) << nlohmann::json(shown_).dump(2) << "\n";
}

}  // namespace labkit::cli
