// Lab 05 — reference solution.
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
namespace {

// The client's two steps: a stream socket of the address's own family, then
// connect(). On failure nothing stays open and the errno is the failed call's.
SysResult<int> SocketAndConnect(const void* address, socklen_t length) {
  const auto* target = static_cast<const sockaddr*>(address);
  int fd = ::socket(target->sa_family, SOCK_STREAM, 0);
  if (fd < 0) return SysResult<int>::FromErrno();
  if (::connect(fd, target, length) != 0) {
    int error = errno;  // close() below may overwrite errno
    ::close(fd);
    return SysResult<int>::Error(error);
  }
  return SysResult<int>::Ok(fd);
}

}  // namespace

SysResult<int> ConnectInet(const std::string& ip, uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    return SysResult<int>::Error(EINVAL);
  }
  return SocketAndConnect(&address, sizeof address);
}

SysResult<std::string> PeerAddress(int fd) {
  using Text = SysResult<std::string>;
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return Text::FromErrno();
  }
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return Text::Ok(std::string(text) + ":" + std::to_string(ntohs(in->sin_port)));
  }
  if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    return Text::Ok("[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port)));
  }
  if (address.ss_family == AF_UNIX) {
    // The path is what the length covers, up to its NUL if it has one.
    const auto* un = reinterpret_cast<const sockaddr_un*>(&address);
    size_t room = length - offsetof(sockaddr_un, sun_path);
    return Text::Ok("unix:" + std::string(un->sun_path, ::strnlen(un->sun_path, room)));
  }
  return Text::Error(EAFNOSUPPORT);
}

SysResult<int> ConnectInet6(const std::string& ip, uint16_t port) {
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  if (::inet_pton(AF_INET6, ip.c_str(), &address.sin6_addr) != 1) {
    return SysResult<int>::Error(EINVAL);
  }
  return SocketAndConnect(&address, sizeof address);
}

SysResult<int> ConnectUnix(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() + 1 > sizeof address.sun_path) return SysResult<int>::Error(ENAMETOOLONG);
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return SocketAndConnect(&address, sizeof address);
}

SysResult<int> ConnectNumeric(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;  // either family: the address decides
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // never a name lookup
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0) {
    return SysResult<int>::Error(EINVAL);
  }
  // A numeric host gives one address; a client of a name would try each.
  SysResult<int> result = SysResult<int>::Error(EINVAL);
  for (addrinfo* each = found; each != nullptr; each = each->ai_next) {
    result = SocketAndConnect(each->ai_addr, each->ai_addrlen);
    if (result.ok()) break;
  }
  ::freeaddrinfo(found);
  return result;
}

}  // namespace labkit::lab05
