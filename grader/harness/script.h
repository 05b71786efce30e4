// The step script a test case runs, in the style of Stanford CS144's tests:
// every step is recorded as it happens, so a failing case can show all the
// steps it executed, the failing one, and expected against actual.
//
// A Script lives in the case's own child process and streams its records to
// the parent through a pipe; the parent (case_runner.h) judges the case.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grader/harness/call_step.h"
#include "grader/harness/show.h"

namespace labkit::harness {

// Exit status of a child whose case failed an expectation.
inline constexpr int kFailedExpectationExit = 86;

// Where records go. By default to the Script's descriptor. A case split in
// two processes (remote_client.h) keeps them in this process's memory
// instead: the student process shares the descriptor table, so no
// descriptor of the report may exist while it runs. `before_exit` then
// runs before the case's process ends, to stop the student process and
// write the records out.
void KeepRecordsInMemory(std::string* records, void (*before_exit)());

// Ends the case's process with `code`, after the hook above if one is set.
[[noreturn]] void EndCaseProcess(int code);

// Records the socket calls the student process made during the running
// step of a split case (shown under it, as the recorder shows them).
void RecordCallsOfStep(const std::vector<std::string>& calls);

// Records how the student process of a split case ended (a wait status):
// the judge reads it as the case's end, during the step that was running.
void RecordStudentStatus(int wait_status);

// Records that the code under test did not return within `timeout_ms`;
// the judge reads it as a timeout during the step that was running.
void RecordTimeout(int timeout_ms);

class Script {
 public:
  explicit Script(int report_fd) : report_fd_(report_fd) {}
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;

  // A step the test performs itself (setting up, acting as the peer).
  void Note(std::string_view what);

  // A system call the test makes (not the student's code). Returns `result`;
  // a result of -1 fails the case with the errno, since the test cannot go on.
  int Sys(std::string_view what, int result);

  // The same, for a call that carries its own label (call_step.h):
  //   s.Sys(sys::Close(As("client", client)))
  template <typename Run>
  int Sys(const CallStep<Run>& call) {
    int result = static_cast<int>(call.run());
    return Sys(call.label, result);
  }

  // Calls the code under test. The call is recorded before it runs, so a
  // crash or hang inside it is reported against this step.
  template <typename Fn>
  auto Call(std::string_view what, Fn&& fn) {
    Begin(what);
    auto result = fn();
    End(Show(result));
    return result;
  }

  // Calls the code under test and requires success; returns the value.
  template <typename Fn>
  auto ExpectOk(std::string_view what, Fn&& fn, std::string_view hint = "") {
    auto result = Call(what, std::forward<Fn>(fn));
    if (!result.ok()) Fail(what, "success", Show(result), HintFor(result.error(), hint));
    return result.value();
  }

  // Calls the code under test and requires it to fail with `error`.
  template <typename Fn>
  void ExpectError(std::string_view what, int error, Fn&& fn, std::string_view hint = "") {
    auto result = Call(what, std::forward<Fn>(fn));
    if (result.ok() || result.error() != error) {
      Fail(what, "error " + ErrnoName(error), Show(result), HintFor(result.error(), hint));
    }
  }

  // Call, ExpectOk and ExpectError for a call that carries its own label:
  //   s.ExpectOk(LABKIT_CALL(BindInet, As("fd", fd), "127.0.0.1", 0))
  template <typename Run>
  auto Call(const CallStep<Run>& call) {
    return Call(call.label, call.run);
  }
  template <typename Run>
  auto ExpectOk(const CallStep<Run>& call, std::string_view hint = "") {
    return ExpectOk(call.label, call.run, hint);
  }
  template <typename Run>
  void ExpectError(const CallStep<Run>& call, int error, std::string_view hint = "") {
    ExpectError(call.label, error, call.run, hint);
  }

  // Compares a value the test observed with what it should be.
  template <typename Expected, typename Actual>
  void Expect(std::string_view what, const Expected& expected, const Actual& actual,
              std::string_view hint = "") {
    if (expected == actual) {
      Check(what, Show(actual));
    } else {
      Fail(what, Show(expected), Show(actual), hint);
    }
  }

  // Requires a condition; `actual` describes what was observed.
  void ExpectTrue(std::string_view what, bool condition, std::string_view actual,
                  std::string_view hint = "");

  // Ends the case as failed at this step.
  [[noreturn]] void Fail(std::string_view what, std::string_view expected,
                         std::string_view actual, std::string_view hint = "");

  // The skeleton's placeholder error gets a hint of its own.
  static std::string_view HintFor(int error, std::string_view hint) {
    return error == ENOSYS ? "ENOSYS is the skeleton's placeholder: this function still has its TODO"
                           : hint;
  }

  // Marks the end of the case; only the runner calls this.
  void Finish(std::string_view token);

 private:
  void Begin(std::string_view what);
  void End(std::string_view outcome);
  void Check(std::string_view what, std::string_view actual);
  void Write(char kind, std::initializer_list<std::string_view> fields);

  int report_fd_;
};

}  // namespace labkit::harness
