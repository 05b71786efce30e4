#include "grader/judge/compare.h"

#include <functional>
#include <map>
#include <regex>

namespace labkit::judge {
namespace {

// Replaces each distinct value `pattern` captures (group 2) that is
// `wanted` with `label` + its order of first appearance, keeping group 1.
std::string Renumber(const std::string& line, const std::regex& pattern,
                     std::map<std::string, int>& seen, const std::string& label,
                     const std::function<bool(const std::string&)>& wanted = nullptr) {
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    const std::smatch& match = *it;
    const std::string value = match[2].str();
    if (wanted && !wanted(value)) continue;
    auto [entry, added] = seen.emplace(value, static_cast<int>(seen.size()) + 1);
    out += line.substr(last, match.position(0) - last);
    out += match[1].str() + label + std::to_string(entry->second);
    last = match.position(0) + match.length(0);
  }
  return out + line.substr(last);
}

CaseStatus StatusOf(harness::Verdict verdict) {
  switch (verdict) {
    case harness::Verdict::kPassed: return CaseStatus::kPassed;
    case harness::Verdict::kFailed: return CaseStatus::kFailed;
    case harness::Verdict::kTimedOut: return CaseStatus::kTimedOut;
    case harness::Verdict::kCrashed: return CaseStatus::kCrashed;
    case harness::Verdict::kExitedEarly: return CaseStatus::kExitedEarly;
  }
  return CaseStatus::kFailed;
}

}  // namespace

std::vector<std::string> NormalizedTranscript(const harness::CaseOutcome& outcome) {
  static const std::regex kFd(R"((\bfd )(\d+))");
  // A port is a number after an address's ':' (a dotted quad's, an IPv6
  // address's closing ']' or localhost's, never a ':' inside an IPv6
  // address), after "port", or an argument right after a quoted address;
  // once known, every mention of it (a call's argument, say) is renamed too.
  static const std::regex kPortMention(
      R"re(((?:\d\.\d{1,3}|\]|localhost):|port:? |"(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*|localhost)", )(\d{4,5})\b)re");
  static const std::regex kNumber(R"((\b)(\d{4,5})\b)");
  std::map<std::string, int> fds, ports;
  std::vector<std::string> lines = outcome.steps;
  if (outcome.failed) {
    lines.push_back(">>> " + outcome.failed->what);
    lines.push_back("    expected: " + outcome.failed->expected);
    lines.push_back("    actual:   " + outcome.failed->actual);
  } else if (!outcome.passed()) {
    lines.push_back(">>> " + outcome.reason);
  }
  std::map<std::string, int> known;
  for (const std::string& line : lines) {
    for (auto it = std::sregex_iterator(line.begin(), line.end(), kPortMention);
         it != std::sregex_iterator(); ++it) {
      if (std::stol((*it)[2].str()) >= 1024) known.emplace((*it)[2].str(), 0);
    }
  }
  for (std::string& line : lines) {
    if (line.rfind(harness::kCallIndent, 0) == 0) line = Renumber(line, kFd, fds, "#");
    line = Renumber(line, kNumber, ports, "P", [&](const std::string& value) {
      return known.count(value) > 0;
    });
  }
  return lines;
}

int FirstDivergence(const std::vector<std::string>& yours,
                    const std::vector<std::string>& reference) {
  size_t common = std::min(yours.size(), reference.size());
  for (size_t i = 0; i < common; ++i) {
    if (yours[i] != reference[i]) return static_cast<int>(i);
  }
  return yours.size() == reference.size() ? -1 : static_cast<int>(common);
}

GradedCase JudgeAgainstReference(const std::string& name, int points,
                                 const harness::CaseOutcome& outcome,
                                 const std::vector<std::string>& reference) {
  GradedCase graded;
  graded.name = name;
  graded.max_score = points;
  graded.status = StatusOf(outcome.verdict);
  graded.score = outcome.passed() ? points : 0;
  graded.reason = outcome.passed() ? "" : outcome.reason;
  graded.output = outcome.output;
  if (outcome.failed) {
    graded.failure = outcome.failed->what + "\n  expected: " + outcome.failed->expected +
                     "\n  actual:   " + outcome.failed->actual;
    if (!outcome.failed->hint.empty()) graded.failure += "\n  hint:     " + outcome.failed->hint;
  }
  if (!outcome.passed()) {
    graded.transcript = NormalizedTranscript(outcome);
    graded.reference = reference;
    graded.divergence = FirstDivergence(graded.transcript, graded.reference);
  }
  return graded;
}

}  // namespace labkit::judge
