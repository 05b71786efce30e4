// Lab 06 — reference solution.
#include "labs/06_send_recv/send_recv_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace labkit::lab06 {
namespace {

// Sends all of `data`, whatever `flags` add. MSG_NOSIGNAL turns the SIGPIPE
// a closed peer would raise into a plain EPIPE. With no address, sendto() is
// exactly send().
Status SendAllWithFlags(int fd, std::string_view data, int flags,
                        const sockaddr* to = nullptr, socklen_t to_length = 0) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::sendto(fd, data.data() + sent, data.size() - sent, flags | MSG_NOSIGNAL, to,
                         to_length);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno();
    }
    sent += static_cast<size_t>(n);  // a signal may have cut it short
  }
  return Status::Ok();
}

// One recv() into up to `max` bytes, retried on EINTR; "" at end of stream.
SysResult<std::string> RecvSome(int fd, size_t max, int flags) {
  std::string buffer(max, '\0');
  ssize_t n;
  do {
    n = ::recv(fd, buffer.data(), max, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return SysResult<std::string>::FromErrno();
  buffer.resize(static_cast<size_t>(n));
  return SysResult<std::string>::Ok(std::move(buffer));
}

}  // namespace

Status SendAll(int fd, std::string_view data) { return SendAllWithFlags(fd, data, 0); }

SysResult<std::string> RecvExact(int fd, size_t n) {
  std::string out;
  while (out.size() < n) {
    // Ask only for what is missing, so the bytes after `n` stay queued.
    SysResult<std::string> piece = RecvSome(fd, n - out.size(), 0);
    if (!piece.ok()) return piece;
    if (piece.value().empty()) break;  // end of stream: return what came
    out += piece.value();
  }
  return SysResult<std::string>::Ok(std::move(out));
}

SysResult<std::string> RecvUntilEof(int fd) {
  std::string out;
  while (true) {
    SysResult<std::string> piece = RecvSome(fd, 64 * 1024, 0);
    if (!piece.ok()) return piece;
    if (piece.value().empty()) return SysResult<std::string>::Ok(std::move(out));
    out += piece.value();
  }
}

SysResult<std::string> Peek(int fd, size_t max) { return RecvSome(fd, max, MSG_PEEK); }

Status SendUrgent(int fd, char byte) {
  return SendAllWithFlags(fd, std::string_view(&byte, 1), MSG_OOB);
}

SysResult<char> RecvUrgent(int fd) {
  SysResult<std::string> byte = RecvSome(fd, 1, MSG_OOB);
  if (!byte.ok()) return SysResult<char>::Error(byte.error());
  // 0 bytes: the connection ended before the announced byte could arrive.
  if (byte.value().empty()) return SysResult<char>::Error(EINVAL);
  return SysResult<char>::Ok(byte.value()[0]);
}

SysResult<bool> AtUrgentMark(int fd) {
  int at_mark = 0;
  if (::ioctl(fd, SIOCATMARK, &at_mark) != 0) return SysResult<bool>::FromErrno();
  return SysResult<bool>::Ok(at_mark != 0);
}

Status SendDontRoute(int fd, std::string_view data) {
  return SendAllWithFlags(fd, data, MSG_DONTROUTE);
}

Status SendToConnected(int fd, std::string_view data, const std::string& ip, uint16_t port) {
  sockaddr_storage address{};
  socklen_t length;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  } else {
    return Status::Error(EINVAL);
  }
  return SendAllWithFlags(fd, data, 0, reinterpret_cast<sockaddr*>(&address), length);
}

SysResult<Received> RecvFromConnected(int fd, size_t max) {
  Received received;
  received.data.resize(max);
  sockaddr_storage from{};
  ssize_t n;
  do {
    // addrlen is value-result: in, the room we have; out, what was written.
    received.address_length = sizeof from;
    n = ::recvfrom(fd, received.data.data(), max, 0, reinterpret_cast<sockaddr*>(&from),
                   &received.address_length);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return SysResult<Received>::FromErrno();
  received.data.resize(static_cast<size_t>(n));
  return SysResult<Received>::Ok(std::move(received));
}

}  // namespace labkit::lab06
