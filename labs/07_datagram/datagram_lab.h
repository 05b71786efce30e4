// Lab 07 — sendto() and recvfrom(): datagrams, messages without a connection.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in datagram_lab.cc. The handout is handouts/07_datagram.md.
//
// A datagram socket (SOCK_DGRAM: UDP for AF_INET/AF_INET6, or AF_UNIX) sends
// whole messages. Every send is one datagram, every receive returns exactly one
// datagram, and each one says where it came from. There is no listen(), no
// accept() and no connection unless you ask for one with connect().
//
// Functions that return a descriptor give it to the caller, who owns it and
// closes it; on failure no descriptor is left open. Functions that take `fd`
// leave it open. A descriptor is any number >= 0: 0 is a socket like any
// other (the lowest free number when standard input is closed). Ports are
// in host byte order. Errors are the errno of the call that failed,
// unchanged, unless a function says otherwise.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::lab07 {

// A socket address of any family, as sendto() takes it and recvfrom() fills
// it in: the bytes of a sockaddr_in, sockaddr_in6 or sockaddr_un, and how
// many of them count.
struct Endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
};

// Step 1. The address of a numeric IPv4 ("127.0.0.1") or IPv6 ("::1")
// address and a port: a sockaddr_in or a sockaddr_in6, with `length` its
// exact size. Anything else (a name such as "localhost", "", an address
// with a space or a port after it) gives EINVAL: names are never looked up.
SysResult<Endpoint> MakeEndpoint(const std::string& ip, uint16_t port);

// Step 2. A UDP socket of the address's family (AF_INET or AF_INET6) bound
// to ip:port; port 0 lets the kernel pick a free one. "::" takes IPv4
// datagrams too (the socket leaves IPV6_V6ONLY as the system sets it, off).
// Errors: EINVAL for an ip MakeEndpoint rejects (no socket is created), or
// the errno of socket() (EMFILE when no descriptor is free) or bind()
// (EADDRINUSE for a port in use, ...).
SysResult<int> OpenUdp(const std::string& ip, uint16_t port);

// Step 3. Sends `payload` as ONE datagram to `to` with sendto(). An empty
// payload is a legal datagram of length zero: sendto() returns 0 for it,
// and that is success. A socket that is not bound yet is bound to a free
// port by this first send. Errors: EMSGSIZE for a
// payload that cannot fit in one datagram (more than 65507 bytes over IPv4,
// 65527 over IPv6), EAGAIN for a full queue on a non-blocking AF_UNIX
// socket (Linux never drops AF_UNIX datagrams), and any other errno of
// sendto().
Status SendDatagram(int fd, const std::string& payload, const Endpoint& to);

// One datagram as it was received.
struct Datagram {
  std::string payload;     // the bytes kept: at most max_size of them
  Endpoint from;           // the sender's address, as recvfrom() reported it
  size_t full_length = 0;  // the datagram's real length, even if cut short
  bool truncated = false;  // true when full_length > payload.size()
};

// Step 4. Receives the next datagram, waiting for one if the socket blocks.
// A datagram of length zero is received like any other (an empty payload):
// it is not an end of stream, which datagrams do not have. A datagram longer
// than `max_size` keeps its first max_size bytes; the rest is lost, and the
// result says so (truncated, and full_length is its real length). One of
// exactly max_size bytes is whole (not truncated); with max_size 0 every
// non-empty datagram is truncated to "". The next call returns the next
// datagram. Errors: EAGAIN when the socket is non-blocking or its receive
// timeout (SO_RCVTIMEO) expires with nothing to receive; ECONNREFUSED on
// a connected socket whose earlier datagram was refused (step 7); any other
// errno of the receiving call.
SysResult<Datagram> RecvDatagram(int fd, size_t max_size);

// The largest datagram Echo must send back whole. Any UDP datagram fits.
inline constexpr size_t kMaxDatagram = 65535;

// Step 5. An echo server's loop: receives `count` datagrams, one at a time,
// and sends each one back unchanged (empty ones too) to the address it came
// from, so that every sender gets its own datagrams back, whatever mix of
// senders one run serves: IPv4 and IPv6 on a dual-stack socket, AF_UNIX
// senders bound to paths of any length or to abstract names. Stops at the
// first failure and returns its errno: a receive error (EAGAIN when the
// socket's receive timeout expires: stop, do not wait again), EMSGSIZE for a
// datagram longer than kMaxDatagram (exactly kMaxDatagram bytes are echoed;
// longer is possible over AF_UNIX only; it is received and dropped, not
// answered), or a reply that cannot be sent (ENOTCONN for an AF_UNIX sender
// that was never bound: on Linux recvfrom() reports an address of length 0,
// so nobody can be answered).
Status Echo(int fd, int count);

// Step 6. A UDP socket connected to ip:port. connect() on a datagram socket
// sends nothing: it only fixes the peer, so it works even if nothing listens
// there. The socket gets a free local port, and from then on the kernel
// drops datagrams from anyone but the peer (those queued before connect()
// are still received). Errors: EINVAL for an ip MakeEndpoint rejects, such
// as "localhost" (no socket is left open), or the errno of socket()
// (EMFILE when no descriptor is free) or connect().
SysResult<int> ConnectUdp(const std::string& ip, uint16_t port);

// Step 7. Sends `payload` as one datagram to the socket's connected peer,
// with no address; an empty payload is a datagram of length zero. Errors:
// EDESTADDRREQ on a socket that is not connected; ECONNREFUSED when an
// earlier datagram to the peer was refused (the kernel reports a refusal
// once, on the next send or receive); any other errno.
Status SendConnected(int fd, const std::string& payload);

// Step 8. The address of an AF_UNIX socket file: a sockaddr_un holding
// `path` with its terminating NUL, and `length` covering exactly those
// bytes (offsetof(sockaddr_un, sun_path) + path.size() + 1). sun_path holds
// 108 bytes, so a path of up to 107 characters fits (107: length 110); 108
// or more gives ENAMETOOLONG. "" gives its NUL alone (length
// offsetof(sockaddr_un, sun_path) + 1).
SysResult<Endpoint> UnixEndpoint(const std::string& path);

// Step 9. An AF_UNIX datagram socket bound to `path`, which creates the
// socket file. Errors: ENAMETOOLONG as in step 8 (no socket is left open),
// or the errno of socket() (EMFILE when no descriptor is free) or bind():
// EADDRINUSE if anything exists at the path (a regular file, a directory, a
// fifo, a symlink, even a dangling one, a socket in use or a stale one
// nobody answers at), which is left as it was: never unlink it; ENOENT if
// its directory does not exist.
SysResult<int> OpenUnixDatagram(const std::string& path);

}  // namespace labkit::lab07
