// The class gradebook: a CSV file a batch appends one row to per graded
// submission, and reads back when it is started again to skip those done.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "grader/report/gradebook.h"
#include "grader/report/untrusted_text.h"

namespace labkit::report {
namespace {

// A submission's cell as the file holds it (and ParseCsv reads it back): its
// name cleaned, one line, and never a formula. Has() and Append() both key on
// it, so a hostile name resumes like any other.
std::string NameCell(const std::string& submission) {
  return untrusted::NeutraliseFormula(untrusted::Clean(submission, untrusted::Kind::kName));
}

std::runtime_error IoError(const std::string& what, const std::string& path) {
  return std::runtime_error("gradebook " + path + ": " + what + ": " + std::strerror(errno));
}

std::string Join(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& field : fields) out += (out.empty() ? "" : ", ") + field;
  return out;
}

// Writes all of `line` at the end of the file. O_APPEND makes the one write()
// land whole after any other row; only a full disk or a signal can shorten
// it, and then the rest follows (a torn row is dropped by the next Open).
void AppendLine(int fd, const std::string& line, const std::string& path) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError("cannot append", path);
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) throw IoError("cannot sync", path);
}

}  // namespace

namespace internal {

ParsedCsv ParseCsv(const std::string& text) {
  ParsedCsv parsed;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && field.empty()) {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      if (c == '\r') ++i;
      record.push_back(std::move(field));
      field.clear();
      parsed.records.push_back(std::move(record));
      parsed.starts.push_back(start);
      record.clear();
      parsed.complete = start = i + 1;
    } else {
      field += c;
    }
  }
  return parsed;
}

}  // namespace internal

std::vector<std::string> GradebookHeader(const std::vector<std::string>& lab_ids) {
  std::vector<std::string> header = {"student", "name", "submission"};
  for (const std::string& id : lab_ids) {
    header.push_back(id);
    header.push_back(id + "_status");
  }
  header.push_back("total");
  header.push_back("max_score");
  return header;
}

std::string Gradebook::FormatRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i > 0 ? "," : "") + untrusted::CsvField(fields[i]);
  return out;
}

Gradebook Gradebook::Open(const std::string& path, const std::vector<std::string>& lab_ids) {
  const std::vector<std::string> header = GradebookHeader(lab_ids);

  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot open", path);
  // From here on `book` owns fd and closes it if anything below throws.
  Gradebook book(path, lab_ids, fd);
  // Two batches appending to one gradebook would each grade what the other
  // is grading; the second is refused while the first holds the lock.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      throw std::runtime_error("gradebook " + path + " is in use by another batch");
    }
    throw IoError("cannot lock", path);
  }

  std::string text;
  char buffer[65536];
  for (off_t at = 0;;) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw IoError("cannot read", path);
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    at += n;
  }
  internal::ParsedCsv parsed = internal::ParseCsv(text);

  if (!parsed.records.empty() && parsed.records[0] != header) {
    throw std::runtime_error("gradebook " + path + " has the columns [" + Join(parsed.records[0]) +
                             "], but this batch writes [" + Join(header) +
                             "]: use a new gradebook file, or grade the same labs");
  }
  const size_t submission_column = 2;
  for (size_t r = 1; r < parsed.records.size(); ++r) {
    const std::vector<std::string>& row = parsed.records[r];
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    if (row.size() != header.size()) {
      throw std::runtime_error("gradebook " + path + ": row " + std::to_string(r + 1) + " has " +
                               std::to_string(row.size()) + " fields, the header " +
                               std::to_string(header.size()) + "; fix or move the file");
    }
    const size_t end = r + 1 < parsed.starts.size() ? parsed.starts[r + 1] : parsed.complete;
    book.rows_.push_back({row[submission_column], text.substr(parsed.starts[r], end - parsed.starts[r])});
    book.keys_.insert(row[submission_column]);
  }
  book.header_line_ = FormatRow(header) + "\n";
  // Only a file known to be this batch's gradebook is changed.
  if (parsed.complete < text.size()) {
    // The torn row goes: the file keeps only rows that were written whole.
    if (::ftruncate(fd, static_cast<off_t>(parsed.complete)) != 0 || ::fsync(fd) != 0) {
      throw IoError("cannot drop the unfinished last row", path);
    }
  }
  if (parsed.records.empty()) AppendLine(fd, book.header_line_, path);
  return book;
}

Gradebook::Gradebook(std::string path, std::vector<std::string> lab_ids, int fd)
    : path_(std::move(path)), lab_ids_(std::move(lab_ids)), fd_(fd) {}

Gradebook::Gradebook(Gradebook&& other) noexcept
    : path_(std::move(other.path_)),
      lab_ids_(std::move(other.lab_ids_)),
      fd_(std::exchange(other.fd_, -1)),
      header_line_(std::move(other.header_line_)),
      rows_(std::move(other.rows_)),
      keys_(std::move(other.keys_)) {}

Gradebook& Gradebook::operator=(Gradebook&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    lab_ids_ = std::move(other.lab_ids_);
    fd_ = std::exchange(other.fd_, -1);
    header_line_ = std::move(other.header_line_);
    rows_ = std::move(other.rows_);
    keys_ = std::move(other.keys_);
  }
  return *this;
}

Gradebook::~Gradebook() {
  if (fd_ >= 0) ::close(fd_);  // also releases the lock
}

bool Gradebook::Has(const std::string& submission) const {
  return keys_.count(NameCell(submission)) > 0;
}

void Gradebook::Append(const GradeResult& result, const Submitter& who, bool replace) {
  const std::string key = NameCell(result.submission);
  if (keys_.count(key) > 0 && !replace) return;
  using untrusted::Clean, untrusted::Kind;
  // FormatRow neutralises every field, so the file holds NameCell's form.
  std::vector<std::string> fields = {Clean(who.student, Kind::kName), Clean(who.name, Kind::kName),
                                     Clean(result.submission, Kind::kName)};
  for (const std::string& id : lab_ids_) {
    int score = 0;  // a lab the result does not have scores nothing, and is missing
    LabOutcome outcome = LabOutcome::kMissing;
    for (const GradedLab& lab : result.labs) {
      if (lab.id != id) continue;
      outcome = OutcomeOf(lab);
      if (lab.status == judge::LabStatus::kOk) score = lab.score;
    }
    fields.push_back(std::to_string(score));
    fields.push_back(OutcomeName(outcome));
  }
  fields.push_back(std::to_string(result.score));
  fields.push_back(std::to_string(result.max_score));
  const std::string line = FormatRow(fields) + "\n";
  if (keys_.count(key) == 0) {
    AppendLine(fd_, line, path_);
    rows_.push_back({key, line});
    keys_.insert(key);
    return;
  }
  for (Row& row : rows_) {
    if (row.key == key) row.line = line;
  }
  Rewrite();
}

// The whole file again, beside the old one, then renamed over it. The new
// file is locked before it takes the old one's name, so no other batch can
// open it unlocked in between.
void Gradebook::Rewrite() {
  const std::string temporary = path_ + ".new." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot create", temporary);
  std::string text = header_line_;
  for (const Row& row : rows_) text += row.line;
  try {
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) throw IoError("cannot lock", temporary);
    AppendLine(fd, text, temporary);
    if (::rename(temporary.c_str(), path_.c_str()) != 0) throw IoError("cannot replace", path_);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  const std::string folder = std::filesystem::absolute(path_).parent_path().string();
  if (int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir >= 0) {
    ::fsync(dir);  // the rename itself survives a crash
    ::close(dir);
  }
  ::close(fd_);
  fd_ = fd;
}

}  // namespace labkit::report
