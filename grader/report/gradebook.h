// The class gradebook: one CSV row per submission, appended by a class batch
// (resumable, shardable) and joined from shards by `gradebook merge`.
//
//   student,name,submission,<lab>,<lab>_status,...,total,max_score
//
// A lab's score cell is a number (0 when the lab did not run); its status
// cell is OutcomeName(OutcomeOf(lab)) (report.h): ok, not_started, crashed,
// timeout, machine_error, build_failed or missing. Every cell is cleaned to
// one line and never a formula ("=X" is written "'=X").
#pragma once

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "grader/report/report.h"

namespace labkit::report {

// Who a submission is, as the class's export names them; both may be empty.
struct Submitter {
  std::string student;  // the id an LMS keys on (Gradescope's sid, Canvas's user id)
  std::string name;     // the person's name, where the export gives it
};

// The gradebook's columns for these labs, in order.
std::vector<std::string> GradebookHeader(const std::vector<std::string>& lab_ids);

class Gradebook {
 public:
  // Opens or creates the file and locks it (a second batch on it is refused).
  // A torn last row (a killed run wrote it only in part) is dropped. Throws
  // std::runtime_error if the file cannot be read or written, is not a
  // gradebook, or its header is not GradebookHeader(lab_ids).
  static Gradebook Open(const std::string& path, const std::vector<std::string>& lab_ids);

  Gradebook(Gradebook&& other) noexcept;
  Gradebook& operator=(Gradebook&& other) noexcept;
  Gradebook(const Gradebook&) = delete;
  Gradebook& operator=(const Gradebook&) = delete;
  ~Gradebook();

  // Whether the gradebook holds a row for `submission` (compared in the form
  // the file holds it).
  bool Has(const std::string& submission) const;
  // Writes the result's row. A new submission's row is appended with one
  // write() on an O_APPEND descriptor, then fsync. A submission already there
  // is left alone, unless `replace`: then the file is written again whole,
  // with the new row in the old one's place, and renamed over the old one, so
  // a reader or a killed batch sees either file, never half of one.
  void Append(const GradeResult& result, const Submitter& who = {}, bool replace = false);

  // One CSV record, each field untrusted::CsvField (formula-neutralised, in
  // RFC 4180 quoting), without the line end.
  static std::string FormatRow(const std::vector<std::string>& fields);

 private:
  struct Row {
    std::string key;   // the submission cell as the file holds it
    std::string line;  // the record as written, with its line end
  };
  Gradebook(std::string path, std::vector<std::string> lab_ids, int fd);
  void Rewrite();

  std::string path_;
  std::vector<std::string> lab_ids_;
  int fd_ = -1;
  std::string header_line_;
  std::vector<Row> rows_;
  std::set<std::string> keys_;
};

// ---- Shards ------------------------------------------------------------------

// Shard K of N (1-based) of a class: the submissions at positions p (from 0,
// in name order) with p % N == K - 1.
struct Shard {
  int index = 1;
  int count = 1;
  bool Holds(size_t position) const {
    return static_cast<int>(position % static_cast<size_t>(count)) == index - 1;
  }
};
// "K/N" with 1 <= K <= N <= 10000. Throws std::invalid_argument with one
// line saying what is wrong.
Shard ParseShard(const std::string& spec);

// ---- Merge -------------------------------------------------------------------

struct MergedGradebook {
  std::string text;                   // the header, then every row, sorted by submission
  size_t rows = 0;
  std::vector<std::string> warnings;  // one line per duplicate submission
};
// Joins gradebooks (each a path and its text). Every input must have the
// same header, a gradebook's. A submission in several inputs keeps the row
// of the last input that has it, and gets a warning. Throws
// std::runtime_error naming the input for a different header, a malformed
// row or a torn last row.
MergedGradebook MergeGradebooks(const std::vector<std::pair<std::string, std::string>>& inputs);

namespace internal {
// RFC 4180 records of `text`; `starts[i]` is where record i begins, and
// `complete` where the last record with its line end ends (bytes after it are
// a row a killed run did not finish writing).
struct ParsedCsv {
  std::vector<std::vector<std::string>> records;
  std::vector<size_t> starts;
  size_t complete = 0;
};
ParsedCsv ParseCsv(const std::string& text);
}  // namespace internal

}  // namespace labkit::report
