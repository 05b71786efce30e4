#include "grader/harness/script.h"

#include <unistd.h>

#include "grader/harness/call_recorder.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace labkit::harness {

// Records are lines of fields separated by \x1f; the fields are sanitized
// so that neither separator can appear inside one.
void Script::Write(char kind, std::initializer_list<std::string_view> fields) {
  std::string line(1, kind);
  for (std::string_view field : fields) {
    line += '\x1f';
    for (char c : field) line += (c == '\n' || c == '\x1f') ? ' ' : c;
  }
  line += '\n';
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(report_fd_, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // The parent is gone; nothing left to tell.
    data += n;
    left -= static_cast<size_t>(n);
  }
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
  StartRecording(report_fd_);
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
  std::fflush(nullptr);
  ::_exit(kFailedExpectationExit);
}

void Script::Finish(std::string_view token) { Write('P', {token}); }

}  // namespace labkit::harness
