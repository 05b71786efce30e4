// Lab 01 — your code goes here. See socket_lab.h for the contract and
// handouts/01_socket.md for the walkthrough.
#include "labs/01_socket/socket_lab.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace labkit::lab01 {

int DomainConstant(Domain domain) {
  (void)domain;
  // TODO(step 1): return AF_UNIX, AF_INET or AF_INET6.
  return -1;
}

int KindConstant(Kind kind) {
  (void)kind;
  // TODO(step 2): return SOCK_STREAM or SOCK_DGRAM.
  return -1;
}

SysResult<int> OpenSocket(int domain, int type, int protocol, bool nonblocking) {
  (void)domain, (void)type, (void)protocol, (void)nonblocking;
  // TODO(step 3): call socket(); on failure return SysResult<int>::FromErrno().
  return SysResult<int>::Error(ENOSYS);
}

SysResult<SocketInfo> DescribeSocket(int fd) {
  (void)fd;
  // TODO(step 4): getsockopt SO_DOMAIN, SO_TYPE, SO_PROTOCOL; fcntl F_GETFL.
  return SysResult<SocketInfo>::Error(ENOSYS);
}

Status CloseSocket(int fd) {
  (void)fd;
  // TODO(step 5): close() the descriptor and report its errno on failure.
  return Status::Error(ENOSYS);
}

}  // namespace labkit::lab01
