// The test's own sockets: made by the test itself (never by the code under
// test), recorded as steps, with every wait on them bounded when asked.
// Shared by every lab's test_support.h, so each helper exists once.
#pragma once

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "grader/harness/call_step.h"
#include "grader/harness/script.h"

namespace labkit::harness {

struct TestSocketOptions {
  // Shown in the step as "name = socket(...)"; empty shows the call alone.
  std::string name = "";
  // Sets SO_RCVTIMEO and SO_SNDTIMEO, so a blocking call on the socket gives
  // up (EAGAIN) after this long whatever the code under test did. 0 leaves
  // both unbounded, as the kernel makes them.
  int timeout_ms = 0;
};

// A socket the test creates itself, recorded as a step
// ("socket(AF_INET, SOCK_STREAM, 0) -> 3"); the case fails if it cannot.
int TestSocket(Script& s, int family, int type, const TestSocketOptions& options = {});

// Which blocking calls on a socket BoundWaits bounds.
enum class Waits { kReceives, kSendsAndReceives };

// Bounds later blocking calls on a socket of the test's own (or one the
// code under test handed it) to `timeout_ms`; not recorded as a step.
void BoundWaits(int fd, int timeout_ms, Waits which = Waits::kSendsAndReceives);

// Where an AF_UNIX name lives: a file at a path, or the abstract namespace
// (sun_path[0] is NUL, and no trailing NUL is counted in the length).
enum class UnixName { kPath, kAbstract };

// Fills `out` with an AF_UNIX address and returns its exact length:
// offsetof(sun_path) + the path + its NUL, or + 1 + the abstract name.
// Throws std::length_error for a name that does not fit in sun_path.
socklen_t UnixAddress(const std::string& name, UnixName kind, sockaddr_un& out);

// The address a socket is bound to, raw, as getsockname() gives it.
socklen_t BoundAddress(int fd, sockaddr_storage& out);

// Sends all of `bytes` from a socket of the test's own in one send(), as a
// step; the case fails unless every byte went (never SIGPIPE).
void SendFrom(Script& s, int fd, const std::string& name, const std::string& bytes);

// The descriptors the case holds, counted, and reported as a step.
int OpenFds(Script& s, const std::string& when);

// Leaves no descriptor free, as steps: RLIMIT_NOFILE comes down to the
// lowest free descriptor, so the next socket() or open() says EMFILE. The
// code under test runs with the same limit (remote_client.h). Returns the
// limit it replaced, for PutBackDescriptorLimit.
rlimit NoDescriptorFree(Script& s);

// Puts back the limit NoDescriptorFree replaced, as a step.
void PutBackDescriptorLimit(Script& s, const rlimit& saved);

// The hint for a port that came back wrong: if it is `wanted` with its two
// bytes swapped, the code forgot htons().
std::string SwappedPortHint(uint16_t wanted);

// An address the test's own calls take, shown in a step as FormatSockaddr
// shows it ("127.0.0.1:0", "[::1]:41027", "unix:$TMP/server.sock").
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  // A numeric IPv4 or IPv6 address and a port.
  static SocketAddress Inet(const std::string& ip, uint16_t port);
  static SocketAddress Unix(const std::string& name, UnixName kind = UnixName::kPath);
  // Where `fd` is bound (getsockname), to connect to it.
  static SocketAddress BoundTo(int fd);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  std::string Text() const;
};

// The test's own system calls as steps (call_step.h), each shown with the
// descriptor's name: s.Sys(sys::Listen(As("server", fd), 4)) is the step
// "listen(server, 4) -> 0".
namespace sys {

inline auto Bind(const Shown<int>& fd, const SocketAddress& address) {
  return MakeCall(
      "bind", [](int f, const SocketAddress& a) { return ::bind(f, a.get(), a.length); }, fd,
      As(address.Text(), address));
}
inline auto Connect(const Shown<int>& fd, const SocketAddress& address) {
  return MakeCall(
      "connect", [](int f, const SocketAddress& a) { return ::connect(f, a.get(), a.length); },
      fd, As(address.Text(), address));
}
inline auto Listen(const Shown<int>& fd, int backlog) {
  return MakeCall("listen", [](int f, int b) { return ::listen(f, b); }, fd, backlog);
}
// accept(fd) with no room for the peer's address (NULL, NULL).
inline auto Accept(const Shown<int>& fd) {
  return MakeCall("accept", [](int f) { return ::accept(f, nullptr, nullptr); }, fd);
}
inline auto Close(const Shown<int>& fd) {
  return MakeCall("close", [](int f) { return ::close(f); }, fd);
}
// `how` shows by name: SHUT_RD, SHUT_WR or SHUT_RDWR.
Shown<int> ShutdownHow(int how);
inline auto Shutdown(const Shown<int>& fd, int how) {
  return MakeCall("shutdown", [](int f, int h) { return ::shutdown(f, h); }, fd,
                  ShutdownHow(how));
}

}  // namespace sys

}  // namespace labkit::harness
