// Class scale: which shard grades which submission, and the merge of the
// shards' gradebooks into one.
#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>

#include "grader/report/gradebook.h"

namespace labkit::report {
namespace {

constexpr int kMaxShards = 10000;

// A whole number of at most 5 digits, or -1.
int SmallNumber(const std::string& text) {
  if (text.empty() || text.size() > 5) return -1;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  return std::stoi(text);
}

std::string Joined(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& field : fields) out += (out.empty() ? "" : ",") + field;
  return out;
}

}  // namespace

Shard ParseShard(const std::string& spec) {
  const std::string shown = spec.size() > 40 ? spec.substr(0, 40) + "..." : spec;
  const size_t slash = spec.find('/');
  if (slash == std::string::npos) {
    throw std::invalid_argument("--shard " + shown + ": write K/N, e.g. 2/5 for the second of five shards");
  }
  const int index = SmallNumber(spec.substr(0, slash));
  const int count = SmallNumber(spec.substr(slash + 1));
  if (index < 0 || count < 0) {
    throw std::invalid_argument("--shard " + shown + ": K and N in K/N are whole numbers, e.g. 2/5");
  }
  if (count < 1 || count > kMaxShards) {
    throw std::invalid_argument("--shard " + shown + ": N must be from 1 to " + std::to_string(kMaxShards));
  }
  if (index < 1 || index > count) {
    throw std::invalid_argument("--shard " + shown + ": K counts from 1 to N (" + std::to_string(count) +
                                "), so " + std::to_string(index) + " is not a shard");
  }
  return Shard{index, count};
}

MergedGradebook MergeGradebooks(const std::vector<std::pair<std::string, std::string>>& inputs) {
  if (inputs.empty()) throw std::runtime_error("nothing to merge: name the shards' gradebooks");
  std::vector<std::string> header;
  std::map<std::string, std::pair<std::string, std::string>> rows;  // key -> (line, from)
  MergedGradebook merged;
  for (const auto& [path, text] : inputs) {
    const internal::ParsedCsv parsed = internal::ParseCsv(text);
    if (parsed.records.empty()) throw std::runtime_error(path + " is empty, not a gradebook");
    if (parsed.complete < text.size()) {
      throw std::runtime_error(path + " ends in a row written only in part (a batch was stopped): "
                               "grade that shard again to finish it, then merge");
    }
    const std::vector<std::string>& columns = parsed.records[0];
    const bool gradebook = columns.size() >= 5 && columns[0] == "student" &&
                           columns[2] == "submission" && columns.back() == "max_score";
    if (!gradebook) {
      throw std::runtime_error(path + " is not a labkit gradebook (its header is " + Joined(columns) + ")");
    }
    if (header.empty()) {
      header = columns;
      merged.text = text.substr(0, parsed.starts.size() > 1 ? parsed.starts[1] : parsed.complete);
    } else if (columns != header) {
      throw std::runtime_error(path + " has other columns than " + inputs.front().first + " (" +
                               Joined(columns) + " against " + Joined(header) +
                               "): merge only shards of one batch, graded for the same labs");
    }
    for (size_t r = 1; r < parsed.records.size(); ++r) {
      const std::vector<std::string>& row = parsed.records[r];
      if (row.size() == 1 && row[0].empty()) continue;  // a blank line
      if (row.size() != header.size()) {
        throw std::runtime_error(path + ": row " + std::to_string(r + 1) + " has " +
                                 std::to_string(row.size()) + " fields, the header " +
                                 std::to_string(header.size()));
      }
      const size_t end = r + 1 < parsed.starts.size() ? parsed.starts[r + 1] : parsed.complete;
      std::string line = text.substr(parsed.starts[r], end - parsed.starts[r]);
      if (line.back() != '\n') line += '\n';
      auto [it, added] = rows.try_emplace(row[2], line, path);
      if (!added) {
        merged.warnings.push_back("submission " + row[2] + " is in both " + it->second.second + " and " +
                                  path + "; the row of " + path + " is kept");
        it->second = {line, path};
      }
    }
  }
  if (merged.text.back() != '\n') merged.text += '\n';
  // One student with two submissions keeps both rows: an LMS import would
  // take only one, so the instructor is told.
  std::map<std::string, std::string> students;  // student id -> its first submission
  for (const auto& [key, row] : rows) {
    merged.text += row.first;
    const std::string student = internal::ParseCsv(row.first).records.at(0).at(0);
    if (student.empty()) continue;
    auto [first, added] = students.try_emplace(student, key);
    if (!added) {
      merged.warnings.push_back("student " + student + " has two submissions, " + first->second + " and " +
                                key + "; both rows are kept");
    }
  }
  merged.rows = rows.size();
  return merged;
}

}  // namespace labkit::report
