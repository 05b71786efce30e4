// Lab 01 — socket(): ask the kernel for a communication endpoint.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in socket_lab.cc. The handout is handouts/01_socket.md.
#pragma once

#include "labs/common/sys_result.h"

namespace labkit::lab01 {

// The three domains (address families) the course uses.
enum class Domain { kUnix, kInet, kInet6 };
// The two socket types: a byte stream, or separate messages.
enum class Kind { kStream, kDatagram };

// Step 1. The AF_* constant for a domain: AF_UNIX, AF_INET or AF_INET6.
int DomainConstant(Domain domain);

// Step 2. The SOCK_* constant for a kind: SOCK_STREAM or SOCK_DGRAM.
int KindConstant(Kind kind);

// Step 3. Creates a socket with socket(domain, type, protocol). Protocol 0
// lets the kernel pick the usual one (TCP for an Internet stream, UDP for an
// Internet datagram). With `nonblocking`, the socket has O_NONBLOCK set.
// Returns the new descriptor; on failure, the errno of the failed call, and
// no descriptor is left open.
SysResult<int> OpenSocket(int domain, int type, int protocol = 0, bool nonblocking = false);

// What a socket is, read back from the kernel.
struct SocketInfo {
  int domain = 0;    // SO_DOMAIN, e.g. AF_INET6
  int type = 0;      // SO_TYPE, e.g. SOCK_DGRAM
  int protocol = 0;  // SO_PROTOCOL, e.g. IPPROTO_UDP
  bool nonblocking = false;  // O_NONBLOCK in the file status flags
  bool operator==(const SocketInfo&) const = default;
};

// Step 4. Describes an open socket using getsockopt (SO_DOMAIN, SO_TYPE,
// SO_PROTOCOL) and fcntl (F_GETFL). A descriptor that is not a socket gives
// ENOTSOCK; one that is not open gives EBADF.
SysResult<SocketInfo> DescribeSocket(int fd);

// Step 5. Closes a socket. A descriptor that is not open gives EBADF.
Status CloseSocket(int fd);

}  // namespace labkit::lab01
