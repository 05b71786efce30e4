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

// Step 1. The AF_* constant for a domain: kUnix gives AF_UNIX, kInet
// AF_INET and kInet6 AF_INET6 (each a different constant).
int DomainConstant(Domain domain);

// Step 2. The SOCK_* constant for a kind: kStream gives SOCK_STREAM and
// kDatagram SOCK_DGRAM.
int KindConstant(Kind kind);

// Step 3. Creates a socket with socket(domain, type, protocol). Protocol 0
// lets the kernel pick the usual one (TCP for an Internet stream, UDP for an
// Internet datagram). With `nonblocking`, the socket has O_NONBLOCK set;
// without it, it is blocking.
// Returns the new descriptor exactly as socket() gave it: the lowest free
// one, which is 0 when stdin is closed (0 is a descriptor like any other).
// It opens nothing else. On failure it returns the errno of the failed call,
// with or without `nonblocking`, and no descriptor is left open:
// EAFNOSUPPORT (a domain the kernel does not know, e.g. 4242), EINVAL (a
// type number that is no type, e.g. 999), EPROTONOSUPPORT (a protocol that
// does not fit the type, e.g. IPPROTO_UDP for SOCK_STREAM), EMFILE (no free
// descriptor left).
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
// SO_PROTOCOL) and fcntl (F_GETFL): every field as the kernel reports it,
// for any descriptor number (0 included). A descriptor that is not a socket
// (a pipe) gives ENOTSOCK; a number that is not open (a closed one, -1)
// gives EBADF.
SysResult<SocketInfo> DescribeSocket(int fd);

// Step 5. Closes a socket with close(): afterwards the number is free (0
// included). A number that is not open (closed already, -1) gives EBADF.
Status CloseSocket(int fd);

}  // namespace labkit::lab01
