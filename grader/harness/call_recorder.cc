// Records the socket calls the code under test makes, for its transcript.
//
// Every binary that links the harness is linked with -Wl,--wrap=socket,...
// (see BUILD): a call to socket() anywhere in it lands in __wrap_socket
// below, which makes the real call through __real_socket. The wrapper writes
// a record only while the Script is inside a call of the code under test on
// this thread (Script::Begin .. Script::End), so the test's own calls, its
// peers on other threads and the harness itself are never recorded.
#include "grader/harness/call_recorder.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "grader/harness/show.h"

namespace labkit::harness {
namespace {

constexpr int kCallsShownPerStep = 40;

thread_local bool recording = false;
thread_local int record_fd = -1;  // -1 while recording: kept in calls_of_step only
thread_local int calls_in_step = 0;
thread_local std::vector<std::string> calls_of_step;

// The record goes out through the raw system call, so recording a write()
// never records itself.
void WriteRecord(const std::string& text) {
  if (record_fd < 0) return;
  std::string line = "S\x1f";
  for (char c : text) line += (c == '\n' || c == '\x1f') ? ' ' : c;
  line += '\n';
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    long n = ::syscall(SYS_write, record_fd, data, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    left -= static_cast<size_t>(n);
  }
}

bool Recording() { return recording; }

// "= 3", "= -1 ECONNREFUSED"; `error` is errno right after the call.
std::string Result(long result, int error) {
  if (result == -1) return " = -1 " + ErrnoName(error).substr(0, ErrnoName(error).find(' '));
  return " = " + std::to_string(result);
}

std::string Fd(int fd) { return "fd " + std::to_string(fd); }

std::string Address(const sockaddr* address, socklen_t length) {
  return address == nullptr ? "NULL" : FormatSockaddr(address, length);
}

std::string Bytes(const void* data, long length) {
  if (length <= 0 || data == nullptr) return "";
  constexpr long kShown = 32;
  std::string_view bytes(static_cast<const char*>(data), length > kShown ? kShown : length);
  std::string text = " " + EscapeBytes(bytes);
  if (length > kShown) text += " ...";
  return text;
}

std::string Flags(int flags) {
  static constexpr std::pair<int, const char*> kNames[] = {
      {MSG_OOB, "MSG_OOB"},           {MSG_PEEK, "MSG_PEEK"},
      {MSG_DONTROUTE, "MSG_DONTROUTE"}, {MSG_WAITALL, "MSG_WAITALL"},
      {MSG_DONTWAIT, "MSG_DONTWAIT"}, {MSG_NOSIGNAL, "MSG_NOSIGNAL"},
      {MSG_TRUNC, "MSG_TRUNC"},       {MSG_MORE, "MSG_MORE"},
  };
  if (flags == 0) return "0";
  std::string text;
  for (auto [bit, name] : kNames) {
    if (flags & bit) {
      text += (text.empty() ? "" : "|") + std::string(name);
      flags &= ~bit;
    }
  }
  if (flags != 0) text += (text.empty() ? "" : "|") + std::to_string(flags);
  return text;
}

std::string Option(int level, int name) {
  if (level == SOL_SOCKET) {
    switch (name) {
      case SO_REUSEADDR: return "SOL_SOCKET, SO_REUSEADDR";
      case SO_REUSEPORT: return "SOL_SOCKET, SO_REUSEPORT";
      case SO_LINGER: return "SOL_SOCKET, SO_LINGER";
      case SO_RCVBUF: return "SOL_SOCKET, SO_RCVBUF";
      case SO_SNDBUF: return "SOL_SOCKET, SO_SNDBUF";
      case SO_ERROR: return "SOL_SOCKET, SO_ERROR";
      case SO_OOBINLINE: return "SOL_SOCKET, SO_OOBINLINE";
      case SO_RCVTIMEO: return "SOL_SOCKET, SO_RCVTIMEO";
      case SO_SNDTIMEO: return "SOL_SOCKET, SO_SNDTIMEO";
    }
    return "SOL_SOCKET, " + std::to_string(name);
  }
  return std::to_string(level) + ", " + std::to_string(name);
}

// Records one call: `text` already holds its name and arguments.
// `returns_fd`: a result of 0 or more is a descriptor, shown as "fd N" so
// that transcripts can be compared whatever numbers the kernel handed out.
void Record(const std::string& text, long result, int error, const std::string& after = "",
            bool returns_fd = false) {
  if (++calls_in_step > kCallsShownPerStep) return;
  if (calls_in_step == kCallsShownPerStep) {
    calls_of_step.push_back("... (more calls not shown)");
    WriteRecord(calls_of_step.back());
    return;
  }
  std::string line = text +
                     (returns_fd && result >= 0 ? " = " + Fd(static_cast<int>(result))
                                                : Result(result, error)) +
                     after;
  calls_of_step.push_back(line);
  WriteRecord(line);
}

}  // namespace

void StartRecording(int report_fd) {
  recording = true;
  record_fd = report_fd;
  calls_in_step = 0;
  calls_of_step.clear();
}

std::vector<std::string> CallsOfLastStep() { return calls_of_step; }

void StopRecording() {
  recording = false;
  record_fd = -1;
}

void SetCallsOfLastStep(std::vector<std::string> calls) { calls_of_step = std::move(calls); }

}  // namespace labkit::harness

using labkit::harness::Address;
using labkit::harness::Bytes;
using labkit::harness::Fd;
using labkit::harness::Flags;
using labkit::harness::Option;
using labkit::harness::Record;
using labkit::harness::Recording;

// Runs the real call, then records it with errno preserved for the caller.
#define LABKIT_RECORDED(call, describe)  \
  auto result = call;                    \
  if (Recording()) {                     \
    int error = errno;                   \
    describe;                            \
    errno = error;                       \
  }                                      \
  return result

extern "C" {

int __real_socket(int, int, int);
int __real_socketpair(int, int, int, int*);
int __real_bind(int, const sockaddr*, socklen_t);
int __real_listen(int, int);
int __real_accept(int, sockaddr*, socklen_t*);
int __real_accept4(int, sockaddr*, socklen_t*, int);
int __real_connect(int, const sockaddr*, socklen_t);
ssize_t __real_send(int, const void*, size_t, int);
ssize_t __real_recv(int, void*, size_t, int);
ssize_t __real_sendto(int, const void*, size_t, int, const sockaddr*, socklen_t);
ssize_t __real_recvfrom(int, void*, size_t, int, sockaddr*, socklen_t*);
ssize_t __real_sendmsg(int, const msghdr*, int);
ssize_t __real_recvmsg(int, msghdr*, int);
ssize_t __real_read(int, void*, size_t);
ssize_t __real_write(int, const void*, size_t);
int __real_close(int);
int __real_shutdown(int, int);
int __real_setsockopt(int, int, int, const void*, socklen_t);
int __real_getsockname(int, sockaddr*, socklen_t*);
int __real_getpeername(int, sockaddr*, socklen_t*);
int __real_unlink(const char*);
int __real_sockatmark(int);
int __real_ioctl(int, unsigned long, void*);

int __wrap_socket(int domain, int type, int protocol) {
  LABKIT_RECORDED(__real_socket(domain, type, protocol),
                  Record("socket(" + labkit::harness::FamilyName(domain) + ", " +
                             labkit::harness::SocketTypeName(type) + ", " +
                             std::to_string(protocol) + ")",
                         result, error, "", true));
}

int __wrap_socketpair(int domain, int type, int protocol, int* fds) {
  LABKIT_RECORDED(__real_socketpair(domain, type, protocol, fds),
                  Record("socketpair(" + labkit::harness::FamilyName(domain) + ", " +
                             labkit::harness::SocketTypeName(type) + ")",
                         result, error,
                         result == 0 ? " [" + Fd(fds[0]) + ", " + Fd(fds[1]) + "]" : ""));
}

int __wrap_bind(int fd, const sockaddr* address, socklen_t length) {
  LABKIT_RECORDED(__real_bind(fd, address, length),
                  Record("bind(" + Fd(fd) + ", " + Address(address, length) + ")", result,
                         error));
}

int __wrap_listen(int fd, int backlog) {
  LABKIT_RECORDED(__real_listen(fd, backlog),
                  Record("listen(" + Fd(fd) + ", " + std::to_string(backlog) + ")", result,
                         error));
}

static std::string Peer(long result, const sockaddr* address, const socklen_t* length) {
  if (result < 0 || address == nullptr || length == nullptr) return "";
  return " peer " + Address(address, *length);
}

int __wrap_accept(int fd, sockaddr* address, socklen_t* length) {
  LABKIT_RECORDED(__real_accept(fd, address, length),
                  Record("accept(" + Fd(fd) + (address ? ", &addr" : ", NULL") + ")", result,
                         error, Peer(result, address, length), true));
}

int __wrap_accept4(int fd, sockaddr* address, socklen_t* length, int flags) {
  LABKIT_RECORDED(__real_accept4(fd, address, length, flags),
                  Record("accept4(" + Fd(fd) + (address ? ", &addr, " : ", NULL, ") +
                             std::to_string(flags) + ")",
                         result, error, Peer(result, address, length), true));
}

int __wrap_connect(int fd, const sockaddr* address, socklen_t length) {
  LABKIT_RECORDED(__real_connect(fd, address, length),
                  Record("connect(" + Fd(fd) + ", " + Address(address, length) + ")", result,
                         error));
}

ssize_t __wrap_send(int fd, const void* data, size_t length, int flags) {
  LABKIT_RECORDED(__real_send(fd, data, length, flags),
                  Record("send(" + Fd(fd) + ", " + std::to_string(length) + " bytes, " +
                             Flags(flags) + ")",
                         result, error, Bytes(data, result)));
}

ssize_t __wrap_recv(int fd, void* data, size_t length, int flags) {
  LABKIT_RECORDED(__real_recv(fd, data, length, flags),
                  Record("recv(" + Fd(fd) + ", " + std::to_string(length) + ", " +
                             Flags(flags) + ")",
                         result, error, Bytes(data, result)));
}

ssize_t __wrap_sendto(int fd, const void* data, size_t length, int flags,
                      const sockaddr* address, socklen_t address_length) {
  LABKIT_RECORDED(__real_sendto(fd, data, length, flags, address, address_length),
                  Record("sendto(" + Fd(fd) + ", " + std::to_string(length) + " bytes, " +
                             Flags(flags) + ", " + Address(address, address_length) + ")",
                         result, error, Bytes(data, result)));
}

ssize_t __wrap_recvfrom(int fd, void* data, size_t length, int flags, sockaddr* address,
                        socklen_t* address_length) {
  LABKIT_RECORDED(__real_recvfrom(fd, data, length, flags, address, address_length),
                  Record("recvfrom(" + Fd(fd) + ", " + std::to_string(length) + ", " +
                             Flags(flags) + ")",
                         result, error,
                         Bytes(data, result) + Peer(result, address, address_length)));
}

ssize_t __wrap_sendmsg(int fd, const msghdr* message, int flags) {
  LABKIT_RECORDED(__real_sendmsg(fd, message, flags),
                  Record("sendmsg(" + Fd(fd) + ", " + Flags(flags) + ")", result, error));
}

ssize_t __wrap_recvmsg(int fd, msghdr* message, int flags) {
  LABKIT_RECORDED(__real_recvmsg(fd, message, flags),
                  Record("recvmsg(" + Fd(fd) + ", " + Flags(flags) + ")", result, error,
                         result >= 0 && message ? " msg_flags " + Flags(message->msg_flags)
                                                : ""));
}

ssize_t __wrap_read(int fd, void* data, size_t length) {
  LABKIT_RECORDED(__real_read(fd, data, length),
                  Record("read(" + Fd(fd) + ", " + std::to_string(length) + ")", result, error,
                         Bytes(data, result)));
}

ssize_t __wrap_write(int fd, const void* data, size_t length) {
  LABKIT_RECORDED(__real_write(fd, data, length),
                  Record("write(" + Fd(fd) + ", " + std::to_string(length) + " bytes)", result,
                         error, Bytes(data, result)));
}

int __wrap_close(int fd) {
  LABKIT_RECORDED(__real_close(fd), Record("close(" + Fd(fd) + ")", result, error));
}

int __wrap_shutdown(int fd, int how) {
  static constexpr const char* kHow[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
  LABKIT_RECORDED(__real_shutdown(fd, how),
                  Record("shutdown(" + Fd(fd) + ", " +
                             (how >= 0 && how <= 2 ? kHow[how] : std::to_string(how)) + ")",
                         result, error));
}

int __wrap_setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
  std::string shown;
  if (value != nullptr && length == sizeof(int)) {
    shown = ", " + std::to_string(*static_cast<const int*>(value));
  }
  LABKIT_RECORDED(__real_setsockopt(fd, level, name, value, length),
                  Record("setsockopt(" + Fd(fd) + ", " + Option(level, name) + shown + ")",
                         result, error));
}

int __wrap_getsockname(int fd, sockaddr* address, socklen_t* length) {
  LABKIT_RECORDED(__real_getsockname(fd, address, length),
                  Record("getsockname(" + Fd(fd) + ")", result, error,
                         result == 0 && length ? " " + Address(address, *length) : ""));
}

int __wrap_getpeername(int fd, sockaddr* address, socklen_t* length) {
  LABKIT_RECORDED(__real_getpeername(fd, address, length),
                  Record("getpeername(" + Fd(fd) + ")", result, error,
                         result == 0 && length ? " " + Address(address, *length) : ""));
}

int __wrap_unlink(const char* path) {
  LABKIT_RECORDED(__real_unlink(path),
                  Record("unlink(\"" + std::string(path ? path : "NULL") + "\")", result, error));
}

int __wrap_sockatmark(int fd) {
  LABKIT_RECORDED(__real_sockatmark(fd), Record("sockatmark(" + Fd(fd) + ")", result, error));
}

// ioctl is variadic; on x86-64 and aarch64 a third pointer argument is passed
// exactly like a named one, so this signature is call-compatible.
int __wrap_ioctl(int fd, unsigned long request, void* argument) {
  LABKIT_RECORDED(__real_ioctl(fd, request, argument),
                  Record("ioctl(" + Fd(fd) + ", " +
                             (request == SIOCATMARK ? std::string("SIOCATMARK")
                              : request == FIONREAD ? std::string("FIONREAD")
                                                    : std::to_string(request)) +
                             ")",
                         result, error,
                         result == 0 && argument &&
                                 (request == SIOCATMARK || request == FIONREAD)
                             ? " -> " + std::to_string(*static_cast<int*>(argument))
                             : ""));
}

}  // extern "C"
