#include "grader/harness/channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace labkit::harness::channel {
namespace {

using Clock = std::chrono::steady_clock;

// Waits until fd is readable; -1 means no bound.
Received WaitReadable(int fd, std::optional<Clock::time_point> deadline, int other_fd) {
  // With nothing else to watch, the read() after this waits by itself. A
  // thread idle between calls then sleeps in read() on its channel, never
  // in poll(): a test that waits for the code under test to block in a
  // readiness wait (harness::ReadinessWaits) must not take the call
  // server's idle wait for it, and interrupt that instead of the call.
  if (!deadline && other_fd < 0) return Received::kMessage;
  while (true) {
    int timeout = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) return Received::kTimedOut;
      timeout = static_cast<int>(left.count()) + 1;
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {other_fd, POLLIN, 0}};
    int ready = ::poll(fds, other_fd >= 0 ? 2 : 1, timeout);
    if (ready < 0 && errno != EINTR) return Received::kClosed;
    if (ready > 0 && fds[0].revents != 0) return Received::kMessage;
    if (ready > 0 && fds[1].revents != 0) return Received::kOtherReady;
  }
}

Received ReadExactly(int fd, char* into, size_t size, std::optional<Clock::time_point> deadline,
                     int other_fd) {
  while (size > 0) {
    Received ready = WaitReadable(fd, deadline, other_fd);
    if (ready != Received::kMessage) return ready;
    long n = ::syscall(SYS_read, fd, into, size);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Received::kClosed;
    into += n;
    size -= static_cast<size_t>(n);
  }
  return Received::kMessage;
}

Received ReceiveUntil(int fd, Message& out, std::optional<Clock::time_point> deadline,
                      int other_fd) {
  char header[5];
  Received got = ReadExactly(fd, header, sizeof header, deadline, other_fd);
  if (got != Received::kMessage) return got;
  uint32_t size;
  std::memcpy(&size, header + 1, sizeof size);
  if (size > kMaxPayload) return Received::kMalformed;
  out.kind = header[0];
  out.payload.resize(size);
  // Once a message has begun, the rest of it is waited for even if the
  // other process has ended meanwhile: its bytes are already in the socket.
  return ReadExactly(fd, out.payload.data(), size, deadline, -1);
}

}  // namespace

bool Send(int fd, char kind, std::string_view payload) {
  if (payload.size() > kMaxPayload) return false;
  std::string message(5, kind);
  const uint32_t size = static_cast<uint32_t>(payload.size());
  std::memcpy(message.data() + 1, &size, sizeof size);
  message.append(payload);
  const char* data = message.data();
  size_t left = message.size();
  while (left > 0) {
    long n = ::syscall(SYS_sendto, fd, data, left, MSG_NOSIGNAL, nullptr, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

Received Receive(int fd, Message& out, Clock::time_point deadline, int other_fd) {
  return ReceiveUntil(fd, out, deadline, other_fd);
}

Received Receive(int fd, Message& out) { return ReceiveUntil(fd, out, std::nullopt, -1); }

}  // namespace labkit::harness::channel
