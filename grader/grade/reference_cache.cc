#include "grader/grade/reference_cache.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

namespace labkit::grade {

namespace fs = std::filesystem;

std::string Fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint64_t hash = 14695981039346656037ull;  // FNV-1a, 64 bits
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    const std::streamsize got = in.gcount();  // once: the grader is built at -O0
    for (std::streamsize i = 0; i < got; ++i) {
      hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ull;
    }
  }
  return std::to_string(hash);
}

ReferenceCache::ReferenceCache(std::string path) : path_(std::move(path)) {
  if (std::ifstream in(path_); in) {
    entries_ = nlohmann::json::parse(in, nullptr, false);
    if (entries_.is_discarded() || !entries_.is_object()) entries_ = nlohmann::json::object();
  }
}

std::optional<std::vector<Transcript>> ReferenceCache::Find(const std::string& lab,
                                                            const std::string& key,
                                                            size_t cases) const {
  auto entry = entries_.find(lab);
  if (entry == entries_.end() || !entry->is_object() || entry->value("key", "") != key) {
    return std::nullopt;
  }
  auto transcripts = entry->find("transcripts");
  if (transcripts == entry->end() || !transcripts->is_array() || transcripts->size() != cases) {
    return std::nullopt;
  }
  try {
    return transcripts->get<std::vector<Transcript>>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // not lists of strings: as good as no entry
  }
}

void ReferenceCache::Store(const std::string& lab, const std::string& key,
                           const std::vector<Transcript>& transcripts) {
  entries_[lab] = {{"key", key}, {"transcripts", transcripts}};
  changed_ = true;
}

void ReferenceCache::Save() const {
  if (!changed_) return;
  fs::create_directories(fs::path(path_).parent_path());
  const std::string written = path_ + "." + std::to_string(::getpid());
  std::ofstream(written) << entries_.dump() << "\n";
  fs::rename(written, path_);
}

}  // namespace labkit::grade
