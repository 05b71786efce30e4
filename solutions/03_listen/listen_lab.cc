// Lab 03 — reference solution.
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
namespace {

// Closes a socket whose setup failed, and reports the failed call's errno.
SysResult<int> CloseAndFail(int fd) {
  int error = errno;  // read first: close() may overwrite errno
  ::close(fd);
  return SysResult<int>::Error(error);
}

// socket() + SO_REUSEADDR + bind() + listen() for any address family.
SysResult<int> ListenOn(const void* address, socklen_t length, int backlog) {
  const sockaddr* where = static_cast<const sockaddr*>(address);
  int fd = ::socket(where->sa_family, SOCK_STREAM, 0);
  if (fd < 0) return SysResult<int>::FromErrno();
  // Before bind(), which is the call that decides whether the port is free:
  // connections of an earlier server may still hold it in TIME_WAIT.
  // (Harmless on AF_UNIX, where the stale file is the problem instead.)
  const int on = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return CloseAndFail(fd);
  if (::bind(fd, where, length) != 0) return CloseAndFail(fd);
  if (::listen(fd, backlog) != 0) return CloseAndFail(fd);
  return SysResult<int>::Ok(fd);
}

}  // namespace

SysResult<int> ListenInet(const std::string& ip, uint16_t port, int backlog) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  // Parsed before socket(): a bad address then has nothing to clean up.
  if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    return SysResult<int>::Error(EINVAL);
  }
  return ListenOn(&address, sizeof address, backlog);
}

SysResult<uint16_t> ListeningPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return SysResult<uint16_t>::FromErrno();
  }
  if (address.ss_family == AF_INET) {
    return SysResult<uint16_t>::Ok(ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port));
  }
  if (address.ss_family == AF_INET6) {
    return SysResult<uint16_t>::Ok(ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port));
  }
  return SysResult<uint16_t>::Error(EAFNOSUPPORT);
}

SysResult<int> ListenInet6(const std::string& ip, uint16_t port, int backlog) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  if (::inet_pton(AF_INET6, ip.c_str(), &address.sin6_addr) != 1) {
    return SysResult<int>::Error(EINVAL);
  }
  return ListenOn(&address, sizeof address, backlog);
}

SysResult<int> ListenUnix(const std::string& path, int backlog) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() + 1 > sizeof address.sun_path) return SysResult<int>::Error(ENAMETOOLONG);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  // A socket file outlives the server that bound it; only such a file is
  // ours to remove.
  struct stat info;
  if (::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) ::unlink(path.c_str());
  return ListenOn(&address, sizeof address, backlog);
}

}  // namespace labkit::lab03
