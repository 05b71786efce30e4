// The class gradebook: a CSV file a batch appends one row to per graded
// submission, and reads back when it is started again to skip those done.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "grader/report/report.h"
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

// RFC 4180 records of `text`, and where the last complete one ends: a record
// is complete only once its line end, outside quotes, has been read. Bytes
// after that are a row a killed run did not finish writing.
struct Parsed {
  std::vector<std::vector<std::string>> records;
  size_t complete = 0;
};

Parsed ParseCsv(const std::string& text) {
  Parsed parsed;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
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
      record.clear();
      parsed.complete = i + 1;
    } else {
      field += c;
    }
  }
  return parsed;
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

std::string Gradebook::FormatRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) out += (i > 0 ? "," : "") + untrusted::CsvField(fields[i]);
  return out;
}

Gradebook Gradebook::Open(const std::string& path, const std::vector<std::string>& lab_ids) {
  std::vector<std::string> header = {"submission"};
  header.insert(header.end(), lab_ids.begin(), lab_ids.end());
  header.push_back("total");
  header.push_back("max_score");

  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot open", path);
  // From here on `book` owns fd and closes it if anything below throws.
  Gradebook book(path, lab_ids, fd, {});
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
  Parsed parsed = ParseCsv(text);

  if (!parsed.records.empty() && parsed.records[0] != header) {
    throw std::runtime_error("gradebook " + path + " has the columns [" + Join(parsed.records[0]) +
                             "], but this batch writes [" + Join(header) +
                             "]: use a new gradebook file, or grade the same labs");
  }
  for (size_t r = 1; r < parsed.records.size(); ++r) {
    const std::vector<std::string>& row = parsed.records[r];
    if (row.size() == 1 && row[0].empty()) continue;  // a blank line
    if (row.size() != header.size()) {
      throw std::runtime_error("gradebook " + path + ": row " + std::to_string(r + 1) + " has " +
                               std::to_string(row.size()) + " fields, the header " +
                               std::to_string(header.size()) + "; fix or move the file");
    }
    book.submissions_.insert(row[0]);
  }
  // Only a file known to be this batch's gradebook is changed.
  if (parsed.complete < text.size()) {
    // The torn row goes: the file keeps only rows that were written whole.
    if (::ftruncate(fd, static_cast<off_t>(parsed.complete)) != 0 || ::fsync(fd) != 0) {
      throw IoError("cannot drop the unfinished last row", path);
    }
  }
  if (parsed.records.empty()) AppendLine(fd, FormatRow(header) + "\n", path);
  return book;
}

Gradebook::Gradebook(std::string path, std::vector<std::string> lab_ids, int fd,
                     std::set<std::string> submissions)
    : path_(std::move(path)), lab_ids_(std::move(lab_ids)), fd_(fd), submissions_(std::move(submissions)) {}

Gradebook::Gradebook(Gradebook&& other) noexcept
    : path_(std::move(other.path_)),
      lab_ids_(std::move(other.lab_ids_)),
      fd_(std::exchange(other.fd_, -1)),
      submissions_(std::move(other.submissions_)) {}

Gradebook& Gradebook::operator=(Gradebook&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    lab_ids_ = std::move(other.lab_ids_);
    fd_ = std::exchange(other.fd_, -1);
    submissions_ = std::move(other.submissions_);
  }
  return *this;
}

Gradebook::~Gradebook() {
  if (fd_ >= 0) ::close(fd_);  // also releases the lock
}

bool Gradebook::Has(const std::string& submission) const {
  return submissions_.count(NameCell(submission)) > 0;
}

void Gradebook::Append(const GradeResult& result) {
  if (Has(result.submission)) return;
  // FormatRow neutralises every field, so the file holds NameCell's form.
  std::vector<std::string> row = {untrusted::Clean(result.submission, untrusted::Kind::kName)};
  for (const std::string& id : lab_ids_) {
    int score = 0;  // a lab the result does not have scores nothing
    for (const GradedLab& lab : result.labs) {
      if (lab.id == id && lab.status == "ok") score = lab.score;
    }
    row.push_back(std::to_string(score));
  }
  row.push_back(std::to_string(result.score));
  row.push_back(std::to_string(result.max_score));
  AppendLine(fd_, FormatRow(row) + "\n", path_);
  submissions_.insert(NameCell(result.submission));
}

}  // namespace labkit::report
