// The reference's normalized transcripts, per lab, cached on disk
// (.labkit/reference-transcripts.json) until the binaries they came from
// change: running every reference case again would add a minute to each
// grade.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace labkit::grade {

using Transcript = std::vector<std::string>;

// FNV-1a of a file's bytes, in decimal: the cache key of a binary. A file
// that cannot be read has the fingerprint of no bytes.
std::string Fingerprint(const std::string& path);

class ReferenceCache {
 public:
  // Reads the cache at `path`; one missing or unreadable is empty.
  explicit ReferenceCache(std::string path);

  // `lab`'s transcripts stored under `key`, if there are `cases` of them.
  std::optional<std::vector<Transcript>> Find(const std::string& lab, const std::string& key,
                                              size_t cases) const;
  // Replaces `lab`'s entry.
  void Store(const std::string& lab, const std::string& key, const std::vector<Transcript>& transcripts);
  // Writes the file if anything was stored since it was read. Another grader
  // of the kit may be reading it: it is replaced whole, never seen half
  // written.
  void Save() const;

 private:
  std::string path_;
  nlohmann::json entries_ = nlohmann::json::object();
  bool changed_ = false;
};

}  // namespace labkit::grade
