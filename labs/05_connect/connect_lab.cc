// Lab 05 — your code goes here. See connect_lab.h for the contract and
// handouts/05_connect.md for the walkthrough.
#include "labs/05_connect/connect_lab.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "labs/common/unique_fd.h"

namespace labkit::lab05 {

SysResult<int> ConnectInet(const std::string& ip, uint16_t port) {
  (void)ip, (void)port;
  // TODO(step 1): parse ip into a sockaddr_in first; then socket() and connect().
  // If connect() fails, keep its errno and close the socket.
  return SysResult<int>::Error(ENOSYS);
}

SysResult<std::string> PeerAddress(int fd) {
  (void)fd;
  // TODO(step 2): getpeername() into a sockaddr_storage; inet_ntop and ntohs.
  return SysResult<std::string>::Error(ENOSYS);
}

SysResult<int> ConnectInet6(const std::string& ip, uint16_t port) {
  (void)ip, (void)port;
  // TODO(step 3): step 1 again with a sockaddr_in6 (mind its sizeof).
  return SysResult<int>::Error(ENOSYS);
}

SysResult<int> ConnectUnix(const std::string& path) {
  (void)path;
  // TODO(step 4): check the length, fill a sockaddr_un, then as in step 1.
  return SysResult<int>::Error(ENOSYS);
}

SysResult<int> ConnectNumeric(const std::string& host, uint16_t port) {
  (void)host, (void)port;
  // TODO(step 5): let the address pick the family (getaddrinfo with
  // AI_NUMERICHOST, or inet_pton for each family), then connect.
  return SysResult<int>::Error(ENOSYS);
}

}  // namespace labkit::lab05
