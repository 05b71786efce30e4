// Whole messages over a stream socket between the two processes of a split
// case: a kind byte, a 4-byte length, then the payload. Both sides use raw
// system calls, so the student process's call recorder never sees them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace labkit::harness::channel {

// Largest payload either side accepts; a longer one is malformed.
inline constexpr size_t kMaxPayload = 64 * 1024 * 1024;

struct Message {
  char kind = 0;
  std::string payload;
};

// Writes one whole message; false if the other side is gone.
bool Send(int fd, char kind, std::string_view payload);

enum class Received { kMessage, kClosed, kTimedOut, kOtherReady, kMalformed };

// Reads one whole message into `out`, waiting at most until `deadline`.
// With `other_fd` >= 0, returns kOtherReady as soon as that descriptor is
// readable (a pidfd: the other process ended) and no message is pending.
Received Receive(int fd, Message& out, std::chrono::steady_clock::time_point deadline,
                 int other_fd = -1);

// The same without a bound, for the student process's side.
Received Receive(int fd, Message& out);

}  // namespace labkit::harness::channel
