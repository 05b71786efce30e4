#include "grader/harness/test_sockets.h"

#include <fcntl.h>
#include <sys/time.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>

#include "grader/harness/loopback.h"
#include "grader/harness/show.h"

namespace labkit::harness {

int TestSocket(Script& s, int family, int type, const TestSocketOptions& options) {
  const std::string call =
      "socket(" + FamilyName(family) + ", " + SocketTypeName(type) + ", 0)";
  int fd = s.Sys(options.name.empty() ? call : options.name + " = " + call,
                 ::socket(family, type, 0));
  if (options.timeout_ms > 0) BoundWaits(fd, options.timeout_ms);
  return fd;
}

void BoundWaits(int fd, int timeout_ms, Waits which) {
  timeval bound{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  if (which == Waits::kSendsAndReceives) {
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
  }
}

socklen_t UnixAddress(const std::string& name, UnixName kind, sockaddr_un& out) {
  const bool abstract = kind == UnixName::kAbstract;
  // A path needs room for its NUL; an abstract name for the NUL before it.
  if (name.size() + 1 > sizeof out.sun_path) {
    throw std::length_error("AF_UNIX name of " + std::to_string(name.size()) +
                            " bytes does not fit in sun_path");
  }
  out = {};
  out.sun_family = AF_UNIX;
  std::memcpy(out.sun_path + (abstract ? 1 : 0), name.data(), name.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
}

socklen_t BoundAddress(int fd, sockaddr_storage& out) {
  out = {};
  socklen_t length = sizeof out;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&out), &length);
  return length;
}

void SendFrom(Script& s, int fd, const std::string& name, const std::string& bytes) {
  ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  s.Sys("send(" + name + ", " + EscapeBytes(bytes) + ")",
        n == static_cast<ssize_t>(bytes.size()) ? static_cast<int>(n) : -1);
}

int OpenFds(Script& s, const std::string& when) {
  int count = CountOpenFds();
  s.Note("descriptors open " + when + ": " + std::to_string(count));
  return count;
}

rlimit NoDescriptorFree(Script& s) {
  const int probe = s.Sys("open(\"/dev/null\") to find the lowest free descriptor",
                          ::open("/dev/null", O_RDONLY));
  s.Sys(sys::Close(As("probe", probe)));
  rlimit saved{};
  s.Sys("getrlimit(RLIMIT_NOFILE)", ::getrlimit(RLIMIT_NOFILE, &saved));
  const rlimit none{static_cast<rlim_t>(probe), saved.rlim_max};
  s.Sys("setrlimit(RLIMIT_NOFILE, " + std::to_string(probe) + "): no descriptor is free",
        ::setrlimit(RLIMIT_NOFILE, &none));
  return saved;
}

void PutBackDescriptorLimit(Script& s, const rlimit& saved) {
  s.Sys("setrlimit(RLIMIT_NOFILE) back as it was", ::setrlimit(RLIMIT_NOFILE, &saved));
}

std::string SwappedPortHint(uint16_t wanted) {
  uint16_t swapped = static_cast<uint16_t>((wanted >> 8) | (wanted << 8));
  return "if the port you see is " + std::to_string(swapped) + ", that is " +
         std::to_string(wanted) + " with its two bytes swapped: convert it with htons()";
}

SocketAddress SocketAddress::Inet(const std::string& ip, uint16_t port) {
  SocketAddress address;
  address.length = MakeInetAddress(ip, port, address.storage);
  return address;
}

SocketAddress SocketAddress::Unix(const std::string& name, UnixName kind) {
  SocketAddress address;
  address.length =
      UnixAddress(name, kind, *reinterpret_cast<sockaddr_un*>(&address.storage));
  return address;
}

SocketAddress SocketAddress::BoundTo(int fd) {
  SocketAddress address;
  address.length = BoundAddress(fd, address.storage);
  return address;
}

std::string SocketAddress::Text() const { return FormatSockaddr(get(), length); }

namespace sys {

Shown<int> ShutdownHow(int how) {
  switch (how) {
    case SHUT_RD: return {"SHUT_RD", how};
    case SHUT_WR: return {"SHUT_WR", how};
    case SHUT_RDWR: return {"SHUT_RDWR", how};
  }
  return {std::to_string(how), how};
}

}  // namespace sys

}  // namespace labkit::harness
