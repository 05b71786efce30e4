// Lab 02 — your code goes here. See bind_lab.h for the contract and
// handouts/02_bind.md for the walkthrough.
#include "labs/02_bind/bind_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace labkit::lab02 {

Status BindInet(int fd, const std::string& ip, uint16_t port) {
  (void)fd, (void)ip, (void)port;
  // TODO(step 1): fill a sockaddr_in (inet_pton, htons) and bind().
  return Status::Error(ENOSYS);
}

SysResult<uint16_t> BoundPort(int fd) {
  (void)fd;
  // TODO(step 2): getsockname() into a sockaddr_storage; ntohs the port.
  return SysResult<uint16_t>::Error(ENOSYS);
}

Status BindInet6(int fd, const std::string& ip, uint16_t port) {
  (void)fd, (void)ip, (void)port;
  // TODO(step 3): the same with a sockaddr_in6.
  return Status::Error(ENOSYS);
}

Status BindUnixPath(int fd, const std::string& path) {
  (void)fd, (void)path;
  // TODO(step 4): check the length, remove a stale socket file, bind().
  return Status::Error(ENOSYS);
}

Status BindUnixAbstract(int fd, const std::string& name) {
  (void)fd, (void)name;
  // TODO(step 5): sun_path starts with a NUL byte; mind the address length.
  return Status::Error(ENOSYS);
}

}  // namespace labkit::lab02
