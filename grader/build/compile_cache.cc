#include "grader/build/compile_cache.h"

#include <filesystem>

namespace labkit::build {
namespace fs = std::filesystem;

std::optional<CompileOutcome> CompileCache::Find(const std::string& kit_path,
                                                 const std::string& text,
                                                 const std::string& object) {
  Kept kept;
  {
    std::lock_guard<std::mutex> hold(lock_);
    auto found = kept_.find({kit_path, text});
    if (found == kept_.end()) return std::nullopt;
    kept = found->second;
  }
  std::error_code error;
  fs::copy_file(kept.object, object, fs::copy_options::overwrite_existing, error);
  if (error) return std::nullopt;
  return kept.outcome;
}

void CompileCache::Store(const std::string& kit_path, const std::string& text,
                         const CompileOutcome& outcome, const std::string& object) {
  if (!outcome.ok) return;
  std::lock_guard<std::mutex> hold(lock_);
  if (kept_.count({kit_path, text}) > 0) return;
  Kept kept{outcome, dir_ + "/" + std::to_string(kept_.size()) + ".o"};
  std::error_code error;
  fs::create_directories(dir_, error);
  fs::copy_file(object, kept.object, fs::copy_options::overwrite_existing, error);
  if (error) return;  // not kept: compiled again next time
  kept_.emplace(std::make_pair(kit_path, text), std::move(kept));
}

size_t CompileCache::size() {
  std::lock_guard<std::mutex> hold(lock_);
  return kept_.size();
}

}  // namespace labkit::build
