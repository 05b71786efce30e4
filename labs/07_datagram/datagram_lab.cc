// Lab 07 — your code goes here. See datagram_lab.h for the contract and
// handouts/07_datagram.md for the walkthrough.
#include "labs/07_datagram/datagram_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "labs/common/unique_fd.h"

namespace labkit::lab07 {

SysResult<Endpoint> MakeEndpoint(const std::string& ip, uint16_t port) {
  (void)ip, (void)port;
  // TODO(step 1): inet_pton as AF_INET, else as AF_INET6; htons; the exact sizeof.
  return SysResult<Endpoint>::Error(ENOSYS);
}

SysResult<int> OpenUdp(const std::string& ip, uint16_t port) {
  (void)ip, (void)port;
  // TODO(step 2): MakeEndpoint, socket(family, SOCK_DGRAM, 0), bind().
  return SysResult<int>::Error(ENOSYS);
}

Status SendDatagram(int fd, const std::string& payload, const Endpoint& to) {
  (void)fd, (void)payload, (void)to;
  // TODO(step 3): one sendto() with the endpoint's address and length.
  return Status::Error(ENOSYS);
}

SysResult<Datagram> RecvDatagram(int fd, size_t max_size) {
  (void)fd, (void)max_size;
  // TODO(step 4): recvfrom() with MSG_TRUNC; 0 bytes is a datagram, not an end.
  return SysResult<Datagram>::Error(ENOSYS);
}

Status Echo(int fd, int count) {
  (void)fd, (void)count;
  // TODO(step 5): loop: recvfrom, then sendto the address it filled in.
  return Status::Error(ENOSYS);
}

SysResult<int> ConnectUdp(const std::string& ip, uint16_t port) {
  (void)ip, (void)port;
  // TODO(step 6): like step 2, with connect() where bind() was.
  return SysResult<int>::Error(ENOSYS);
}

Status SendConnected(int fd, const std::string& payload) {
  (void)fd, (void)payload;
  // TODO(step 7): send(), no address; report every errno.
  return Status::Error(ENOSYS);
}

SysResult<Endpoint> UnixEndpoint(const std::string& path) {
  (void)path;
  // TODO(step 8): check the length, copy the path with its NUL, compute the length.
  return SysResult<Endpoint>::Error(ENOSYS);
}

SysResult<int> OpenUnixDatagram(const std::string& path) {
  (void)path;
  // TODO(step 9): UnixEndpoint, socket(AF_UNIX, SOCK_DGRAM, 0), bind().
  return SysResult<int>::Error(ENOSYS);
}

}  // namespace labkit::lab07
