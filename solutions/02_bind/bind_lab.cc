// Lab 02 — reference solution.
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
namespace {

Status BindTo(int fd, const void* address, socklen_t length) {
  if (::bind(fd, static_cast<const sockaddr*>(address), length) != 0) {
    return Status::FromErrno();
  }
  return Status::Ok();
}

}  // namespace

Status BindInet(int fd, const std::string& ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) return Status::Error(EINVAL);
  return BindTo(fd, &address, sizeof address);
}

SysResult<uint16_t> BoundPort(int fd) {
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

Status BindInet6(int fd, const std::string& ip, uint16_t port) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  if (::inet_pton(AF_INET6, ip.c_str(), &address.sin6_addr) != 1) return Status::Error(EINVAL);
  return BindTo(fd, &address, sizeof address);
}

Status BindUnixPath(int fd, const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() + 1 > sizeof address.sun_path) return Status::Error(ENAMETOOLONG);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  // A socket file outlives the server that bound it; only such a file is
  // ours to remove.
  struct stat info;
  if (::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) ::unlink(path.c_str());
  return BindTo(fd, &address, sizeof address);
}

Status BindUnixAbstract(int fd, const std::string& name) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (name.size() + 1 > sizeof address.sun_path) return Status::Error(ENAMETOOLONG);
  std::memcpy(address.sun_path + 1, name.data(), name.size());
  // The name is exactly the bytes the length covers: no terminating NUL.
  socklen_t length = offsetof(sockaddr_un, sun_path) + 1 + name.size();
  return BindTo(fd, &address, length);
}

}  // namespace labkit::lab02
