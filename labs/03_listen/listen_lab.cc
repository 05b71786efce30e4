// Lab 03 — your code goes here. See listen_lab.h for the contract and
// handouts/03_listen.md for the walkthrough.
#include "labs/03_listen/listen_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace labkit::lab03 {

SysResult<int> ListenInet(const std::string& ip, uint16_t port, int backlog) {
  (void)ip, (void)port, (void)backlog;
  // TODO(step 1): parse ip, then socket(), SO_REUSEADDR, bind(), listen().
  // On a failure, read errno before close() so no descriptor leaks.
  return SysResult<int>::Error(ENOSYS);
}

SysResult<uint16_t> ListeningPort(int fd) {
  (void)fd;
  // TODO(step 2): getsockname() into a sockaddr_storage; ntohs the port.
  return SysResult<uint16_t>::Error(ENOSYS);
}

SysResult<int> ListenInet6(const std::string& ip, uint16_t port, int backlog) {
  (void)ip, (void)port, (void)backlog;
  // TODO(step 3): step 1 again with a sockaddr_in6.
  return SysResult<int>::Error(ENOSYS);
}

SysResult<int> ListenUnix(const std::string& path, int backlog) {
  (void)path, (void)backlog;
  // TODO(step 4): check the length, remove a stale socket file, then as above.
  return SysResult<int>::Error(ENOSYS);
}

}  // namespace labkit::lab03
