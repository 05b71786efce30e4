// Tiered hints (labs/NN/hints.json): for each function of a lab's header, a
// nudge that names the concept, then where to read, then the call sequence.
// `labkit hint` shows the next tier for the function behind the first
// failing public case.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace labkit::cli {

// Function name -> its tiers, in order. Throws UserError on a broken file.
std::map<std::string, std::vector<std::string>> LoadHints(const std::string& path);

// The function a failing case's transcript was testing: the one named in
// its failed expectation (the ">>>" line), else the last step that called
// one of `functions`; "" if none.
std::string FunctionBehind(const std::string& transcript,
                           const std::map<std::string, std::vector<std::string>>& functions);

// How many tiers have been shown per "lab/function", kept in a JSON file so
// that asking again shows the next one.
class HintProgress {
 public:
  explicit HintProgress(std::string path);
  // The 1-based tier to show now for `key` (one past the last shown, at
  // most `tiers`), recorded as shown.
  int Next(const std::string& key, int tiers);
  void Reset(const std::string& key);

 private:
  void Save() const;
  std::string path_;
  std::map<std::string, int> shown_;
};

}  // namespace labkit::cli
