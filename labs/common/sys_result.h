// Kit-provided result types for the labs: a system call either produced a
// value or failed with an errno, and the caller must be told which.
#pragma once

#include <cerrno>
#include <utility>

namespace labkit {

// A plain value and a flag, not a std::optional: every file of every lab
// compiles this type for several T, and std::optional's layers of templates
// made a lab file's compile a sixth slower (the grader compiles each one).
// So T needs a default value, which a failure holds.
template <typename T>
class SysResult {
 public:
  // Success carrying `value`.
  static SysResult Ok(T value = T{}) { return SysResult(std::move(value), 0, true); }
  // Failure carrying an errno value such as EADDRINUSE.
  static SysResult Error(int error) { return SysResult(T{}, error, false); }
  // Failure carrying the current errno: call it right after the failed call,
  // before anything else (even close or printf) can overwrite errno.
  static SysResult FromErrno() { return Error(errno); }

  bool ok() const { return ok_; }
  // Only meaningful when ok() (a failure holds T's default value).
  const T& value() const { return value_; }
  // 0 when ok(); otherwise the errno that explains the failure.
  int error() const { return error_; }

 private:
  SysResult(T value, int error, bool ok) : value_(std::move(value)), error_(error), ok_(ok) {}
  T value_;
  int error_;
  bool ok_;
};

// The value of a call that has nothing to return but success.
struct Done {
  bool operator==(const Done&) const = default;
};
using Status = SysResult<Done>;

}  // namespace labkit
