// Lab 01 — reference solution.
#include "labs/01_socket/socket_lab.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace labkit::lab01 {

int DomainConstant(Domain domain) {
  switch (domain) {
    case Domain::kUnix: return AF_UNIX;
    case Domain::kInet: return AF_INET;
    case Domain::kInet6: return AF_INET6;
  }
  return AF_UNSPEC;
}

int KindConstant(Kind kind) {
  switch (kind) {
    case Kind::kStream: return SOCK_STREAM;
    case Kind::kDatagram: return SOCK_DGRAM;
  }
  return -1;
}

SysResult<int> OpenSocket(int domain, int type, int protocol, bool nonblocking) {
  if (nonblocking) type |= SOCK_NONBLOCK;
  int fd = ::socket(domain, type, protocol);
  if (fd < 0) return SysResult<int>::FromErrno();
  return SysResult<int>::Ok(fd);
}

namespace {

// Reads one int-valued SOL_SOCKET option.
bool ReadOption(int fd, int option, int& value) {
  socklen_t length = sizeof value;
  return ::getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0;
}

}  // namespace

SysResult<SocketInfo> DescribeSocket(int fd) {
  SocketInfo info;
  if (!ReadOption(fd, SO_DOMAIN, info.domain) || !ReadOption(fd, SO_TYPE, info.type) ||
      !ReadOption(fd, SO_PROTOCOL, info.protocol)) {
    return SysResult<SocketInfo>::FromErrno();
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return SysResult<SocketInfo>::FromErrno();
  info.nonblocking = (flags & O_NONBLOCK) != 0;
  return SysResult<SocketInfo>::Ok(info);
}

Status CloseSocket(int fd) {
  if (::close(fd) != 0) return Status::FromErrno();
  return Status::Ok();
}

}  // namespace labkit::lab01
