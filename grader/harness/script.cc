#include "grader/harness/script.h"

#include <unistd.h>

#include "grader/harness/call_recorder.h"

#include <cerrno>
#include <mutex>
#include <cstdio>
#include <cstdlib>

namespace labkit::harness {
namespace {

std::string* memory_records = nullptr;
std::mutex memory_records_lock;  // a peer thread may call the code under test too
void (*before_exit_hook)() = nullptr;

// Writes one record line wherever records go now.
void Emit(int fd, const std::string& line) {
  if (memory_records != nullptr) {
    std::lock_guard<std::mutex> hold(memory_records_lock);
    memory_records->append(line);
    return;
  }
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // The parent is gone; nothing left to tell.
    data += n;
    left -= static_cast<size_t>(n);
  }
}

// Records are lines of fields separated by \x1f; no field may hold either
// separator.
std::string Line(char kind, std::initializer_list<std::string_view> fields) {
  std::string line(1, kind);
  for (std::string_view field : fields) {
    line += '\x1f';
    for (char c : field) line += (c == '\n' || c == '\x1f') ? ' ' : c;
  }
  return line + '\n';
}

}  // namespace

void KeepRecordsInMemory(std::string* records, void (*before_exit)()) {
  memory_records = records;
  before_exit_hook = before_exit;
}

void EndCaseProcess(int code) {
  std::fflush(nullptr);
  if (before_exit_hook != nullptr) before_exit_hook();
  ::_exit(code);
}

void RecordCallsOfStep(const std::vector<std::string>& calls) {
  for (const std::string& call : calls) Emit(-1, Line('S', {call}));
  SetCallsOfLastStep(calls);
}

void RecordStudentStatus(int wait_status) {
  Emit(-1, Line('X', {std::to_string(wait_status)}));
}

void RecordTimeout(int timeout_ms) { Emit(-1, Line('T', {std::to_string(timeout_ms)})); }

void Script::Write(char kind, std::initializer_list<std::string_view> fields) {
  Emit(report_fd_, Line(kind, fields));
}

void Script::Note(std::string_view what) { Write('N', {what}); }

int Script::Sys(std::string_view what, int result) {
  if (result == -1) {
    int error = errno;
    Fail(what, "success", "error " + ErrnoName(error),
         "this call is made by the test itself; your code probably left the "
         "process in a state it did not expect");
  }
  Write('N', {std::string(what) + " -> " + std::to_string(result)});
  return result;
}

void Script::Begin(std::string_view what) {
  Write('B', {what});
  // Split in two, the calls are recorded in the student process and come
  // back with each call's answer (remote_client.cc).
  if (memory_records == nullptr) StartRecording(report_fd_);
}

void Script::End(std::string_view outcome) {
  StopRecording();
  Write('E', {outcome});
}

void Script::Check(std::string_view what, std::string_view actual) {
  Write('C', {what, actual});
}

void Script::ExpectTrue(std::string_view what, bool condition, std::string_view actual,
                        std::string_view hint) {
  if (condition) {
    Check(what, actual);
  } else {
    Fail(what, "true", actual, hint);
  }
}

void Script::Fail(std::string_view what, std::string_view expected,
                  std::string_view actual, std::string_view hint) {
  StopRecording();  // a failure can come from inside a call (an exception)
  Write('F', {what, expected, actual, hint});
  EndCaseProcess(kFailedExpectationExit);
}

void Script::Finish(std::string_view token) { Write('P', {token}); }

}  // namespace labkit::harness
