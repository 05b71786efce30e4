// Kit-provided result types for the labs: a system call either produced a
// value or failed with an errno, and the caller must be told which.
#pragma once

#include <cerrno>
#include <optional>
#include <utility>

namespace labkit {

template <typename T>
class SysResult {
 public:
  // Success carrying `value`.
  static SysResult Ok(T value = T{}) { return SysResult(std::move(value), 0); }
  // Failure carrying an errno value such as EADDRINUSE.
  static SysResult Error(int error) { return SysResult(std::nullopt, error); }
  // Failure carrying the current errno: call it right after the failed call,
  // before anything else (even close or printf) can overwrite errno.
  static SysResult FromErrno() { return Error(errno); }

  bool ok() const { return value_.has_value(); }
  // Only meaningful when ok().
  const T& value() const { return *value_; }
  // 0 when ok(); otherwise the errno that explains the failure.
  int error() const { return error_; }

 private:
  SysResult(std::optional<T> value, int error)
      : value_(std::move(value)), error_(error) {}
  std::optional<T> value_;
  int error_;
};

// The value of a call that has nothing to return but success.
struct Done {
  bool operator==(const Done&) const = default;
};
using Status = SysResult<Done>;

}  // namespace labkit
