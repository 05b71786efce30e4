#include "grader/judge/grade_result.h"

#include <utility>

namespace labkit::judge {
namespace {

// Each status's name, written once: StatusName and Parse* both read these.
constexpr std::pair<CaseStatus, const char*> kCaseNames[] = {
    {CaseStatus::kPassed, "passed"},        {CaseStatus::kFailed, "failed"},
    {CaseStatus::kTimedOut, "timed_out"},   {CaseStatus::kCrashed, "crashed"},
    {CaseStatus::kExitedEarly, "exited_early"}, {CaseStatus::kNotRun, "not_run"},
    {CaseStatus::kMachineError, "machine_error"},
};
constexpr std::pair<LabStatus, const char*> kLabNames[] = {
    {LabStatus::kOk, "ok"},
    {LabStatus::kBuildFailed, "build_failed"},
    {LabStatus::kMissing, "missing"},
};

template <typename Status, size_t N>
const char* NameIn(const std::pair<Status, const char*> (&names)[N], Status status) {
  for (const auto& [value, name] : names) {
    if (value == status) return name;
  }
  return "?";  // only a value cast from outside the enum
}

template <typename Status, size_t N>
std::optional<Status> ParseIn(const std::pair<Status, const char*> (&names)[N], std::string_view text) {
  for (const auto& [value, name] : names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

}  // namespace

const char* StatusName(CaseStatus status) { return NameIn(kCaseNames, status); }
const char* StatusName(LabStatus status) { return NameIn(kLabNames, status); }
std::optional<CaseStatus> ParseCaseStatus(std::string_view name) { return ParseIn(kCaseNames, name); }
std::optional<LabStatus> ParseLabStatus(std::string_view name) { return ParseIn(kLabNames, name); }

}  // namespace labkit::judge
