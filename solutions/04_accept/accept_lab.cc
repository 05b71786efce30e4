// Lab 04 — reference solution.
#include "labs/04_accept/accept_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "labs/common/unique_fd.h"

namespace labkit::lab04 {
namespace {

std::string FormatUnix(const sockaddr_un& address, socklen_t length) {
  const size_t header = offsetof(sockaddr_un, sun_path);
  // An unbound client's address is the family alone: there is no name.
  if (length <= header) return "unix:(unnamed)";
  const size_t name_length = length - header;
  if (address.sun_path[0] == '\0') {
    // Abstract: every byte the length covers belongs to the name.
    return "unix:@" + std::string(address.sun_path + 1, name_length - 1);
  }
  return "unix:" + std::string(address.sun_path, strnlen(address.sun_path, name_length));
}

}  // namespace

std::string FormatPeer(const sockaddr_storage& address, socklen_t length) {
  char text[INET6_ADDRSTRLEN] = "";
  switch (address.ss_family) {
    case AF_INET: {
      const auto& in = reinterpret_cast<const sockaddr_in&>(address);
      ::inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
      return std::string(text) + ":" + std::to_string(ntohs(in.sin_port));
    }
    case AF_INET6: {
      const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
      ::inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text);
      return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6.sin6_port));
    }
    case AF_UNIX:
      return FormatUnix(reinterpret_cast<const sockaddr_un&>(address), length);
  }
  return "family " + std::to_string(address.ss_family);
}

SysResult<Accepted> AcceptWithPeer(int listen_fd) {
  sockaddr_storage address{};
  // In: the room we offer. Out: how much of it the kernel filled in.
  socklen_t length = sizeof address;
  int fd = ::accept(listen_fd, reinterpret_cast<sockaddr*>(&address), &length);
  if (fd < 0) return SysResult<Accepted>::FromErrno();
  return SysResult<Accepted>::Ok({fd, FormatPeer(address, length)});
}

SysResult<int> AcceptAnonymous(int listen_fd) {
  int fd = ::accept(listen_fd, nullptr, nullptr);
  if (fd < 0) return SysResult<int>::FromErrno();
  return SysResult<int>::Ok(fd);
}

SysResult<int> ServeClients(int listen_fd, int count, const ClientHandler& handler) {
  int served = 0;
  for (int accepted = 0; accepted < count;) {
    SysResult<Accepted> client = AcceptWithPeer(listen_fd);
    if (!client.ok()) {
      // A signal, or a client that left while queued: neither ends the server.
      if (client.error() == EINTR || client.error() == ECONNABORTED) continue;
      return SysResult<int>::Error(client.error());
    }
    ++accepted;
    UniqueFd owned(client.value().fd);  // closed however the handler ends
    // A failing client (a reset, say) is that client's problem, not the server's.
    if (handler(client.value()).ok()) ++served;
  }
  return SysResult<int>::Ok(served);
}

}  // namespace labkit::lab04
