// Lab 07 — reference solution.
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
namespace {

sockaddr* AsSockaddr(sockaddr_storage& address) { return reinterpret_cast<sockaddr*>(&address); }
const sockaddr* AsSockaddr(const sockaddr_storage& address) {
  return reinterpret_cast<const sockaddr*>(&address);
}

// socket() of the endpoint's family, then bind() or connect() to it.
SysResult<int> OpenDatagramSocket(const SysResult<Endpoint>& endpoint, bool connect) {
  if (!endpoint.ok()) return SysResult<int>::Error(endpoint.error());
  const Endpoint& to = endpoint.value();
  UniqueFd fd(::socket(to.address.ss_family, SOCK_DGRAM, 0));
  if (!fd.valid()) return SysResult<int>::FromErrno();
  int result = connect ? ::connect(fd.get(), AsSockaddr(to.address), to.length)
                       : ::bind(fd.get(), AsSockaddr(to.address), to.length);
  if (result != 0) return SysResult<int>::FromErrno();  // before UniqueFd closes fd
  return SysResult<int>::Ok(fd.release());
}

}  // namespace

SysResult<Endpoint> MakeEndpoint(const std::string& ip, uint16_t port) {
  Endpoint endpoint;
  auto* in = reinterpret_cast<sockaddr_in*>(&endpoint.address);
  if (::inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    endpoint.length = sizeof(sockaddr_in);
    return SysResult<Endpoint>::Ok(endpoint);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&endpoint.address);
  if (::inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    endpoint.length = sizeof(sockaddr_in6);
    return SysResult<Endpoint>::Ok(endpoint);
  }
  return SysResult<Endpoint>::Error(EINVAL);
}

SysResult<int> OpenUdp(const std::string& ip, uint16_t port) {
  return OpenDatagramSocket(MakeEndpoint(ip, port), /*connect=*/false);
}

Status SendDatagram(int fd, const std::string& payload, const Endpoint& to) {
  if (::sendto(fd, payload.data(), payload.size(), 0, AsSockaddr(to.address), to.length) < 0) {
    return Status::FromErrno();
  }
  return Status::Ok();  // a datagram goes out whole or not at all
}

SysResult<Datagram> RecvDatagram(int fd, size_t max_size) {
  Datagram datagram;
  datagram.payload.resize(max_size);
  socklen_t length = sizeof datagram.from.address;  // value-result: the room we have
  // MSG_TRUNC (Linux): return the datagram's real length even when it did not fit.
  ssize_t received = ::recvfrom(fd, datagram.payload.data(), max_size, MSG_TRUNC,
                                AsSockaddr(datagram.from.address), &length);
  if (received < 0) return SysResult<Datagram>::FromErrno();
  datagram.from.length = length;
  datagram.full_length = static_cast<size_t>(received);
  datagram.truncated = datagram.full_length > max_size;
  datagram.payload.resize(std::min(datagram.full_length, max_size));
  return SysResult<Datagram>::Ok(std::move(datagram));
}

Status Echo(int fd, int count) {
  std::string buffer(kMaxDatagram, '\0');
  for (int i = 0; i < count; ++i) {
    sockaddr_storage from{};
    socklen_t length = sizeof from;  // reset on every turn: recvfrom overwrites it
    ssize_t received = ::recvfrom(fd, buffer.data(), buffer.size(), MSG_TRUNC,
                                  AsSockaddr(from), &length);
    if (received < 0) return Status::FromErrno();
    if (static_cast<size_t>(received) > buffer.size()) return Status::Error(EMSGSIZE);
    if (::sendto(fd, buffer.data(), received, 0, AsSockaddr(from), length) < 0) {
      return Status::FromErrno();
    }
  }
  return Status::Ok();
}

SysResult<int> ConnectUdp(const std::string& ip, uint16_t port) {
  return OpenDatagramSocket(MakeEndpoint(ip, port), /*connect=*/true);
}

Status SendConnected(int fd, const std::string& payload) {
  if (::send(fd, payload.data(), payload.size(), 0) < 0) return Status::FromErrno();
  return Status::Ok();
}

SysResult<Endpoint> UnixEndpoint(const std::string& path) {
  Endpoint endpoint;
  auto* un = reinterpret_cast<sockaddr_un*>(&endpoint.address);
  if (path.size() + 1 > sizeof un->sun_path) return SysResult<Endpoint>::Error(ENAMETOOLONG);
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.c_str(), path.size() + 1);
  endpoint.length = offsetof(sockaddr_un, sun_path) + path.size() + 1;
  return SysResult<Endpoint>::Ok(endpoint);
}

SysResult<int> OpenUnixDatagram(const std::string& path) {
  return OpenDatagramSocket(UnixEndpoint(path), /*connect=*/false);
}

}  // namespace labkit::lab07
