// Lab 04 — accept(): take the next connection from a listening socket.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in accept_lab.cc. The handout is handouts/04_accept.md.
//
// Every function takes a listening socket the caller made (socket, bind,
// listen: labs 01 to 03) and leaves it open: the caller owns it. A socket
// that accept() returns belongs to whoever receives it: your caller for
// AcceptWithPeer and AcceptAnonymous, ServeClients itself for the clients
// it serves.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::lab04 {

// Step 1. A client's address as text. `length` is how many bytes of
// `address` the kernel filled in; no byte past it is part of the address.
//   AF_INET   "127.0.0.1:41234": the address as inet_ntop writes it, then
//             the port in host order; the longest is "255.255.255.255:65535".
//   AF_INET6  "[::1]:41234": the address as inet_ntop writes it, in brackets,
//             then the port; the longest address text has 39 characters
//             ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"). An IPv4 client of
//             an IPv6 listener (a dual-stack "[::]" listener) shows as
//             "[::ffff:127.0.0.1]:41234".
//   AF_UNIX   "unix:/tmp/client.sock" for a path: the bytes of sun_path up to
//             its NUL, which `length` counts (a path of 108 bytes fills
//             sun_path; its NUL comes right after it, and `length` is 111);
//             "unix:@name" for an abstract name: the bytes after the leading
//             NUL, up to `length`;
//             "unix:(unnamed)" when `length` is sizeof(sa_family_t) (2) or
//             less, whatever sun_path holds: a client that never bound,
//             whose address on Linux is only the family.
//   any other family: "family N", N the number in ss_family as it is
//             ("family 0" for AF_UNSPEC, "family 16" for AF_NETLINK, up to
//             "family 65535").
std::string FormatPeer(const sockaddr_storage& address, socklen_t length);

// What accept() hands over: the connected socket and who is at the other end.
struct Accepted {
  int fd = -1;       // the new socket, connected to the client
  std::string peer;  // the client's address, formatted by FormatPeer
  bool operator==(const Accepted&) const = default;
};

// Step 2. Takes the next connection waiting on `listen_fd`, asking accept()
// for the client's address, with room for an address of any family. Blocks
// while none is waiting, unless the listener is non-blocking. Returns the
// new socket, the lowest free descriptor as accept() gives it (0 when
// stdin is closed: 0 is a descriptor, not a failure), and FormatPeer of the
// address and length accept() filled in. `listen_fd` may be 0 too. The new
// socket is blocking, whatever the listener is (on Linux accept() does not
// pass O_NONBLOCK on), and the caller owns it. On failure nothing is left
// open and accept's errno is returned as it is, never retried: EAGAIN (a
// non-blocking listener with no client waiting), EINVAL (a socket that is
// not listening), ENOTSOCK (a descriptor that is not a socket, such as a
// pipe), EBADF (a descriptor that is not open), EOPNOTSUPP (a datagram
// socket), EINTR (a signal handler without SA_RESTART ran while it waited).
SysResult<Accepted> AcceptWithPeer(int listen_fd);

// Step 3. The same without the address: accept(listen_fd, NULL, NULL).
// Returns the new socket (0 when stdin is closed), which the caller owns;
// errors as for AcceptWithPeer, returned as they are.
SysResult<int> AcceptAnonymous(int listen_fd);

// The work a server does for one client. It may read and write
// `client.fd` but must not close it; an error it returns (for example
// ECONNRESET from recv when the client reset the connection) concerns that
// client only.
using ClientHandler = std::function<Status(const Accepted& client)>;

// Step 4. A serving loop: takes `count` connections one after another with
// AcceptWithPeer, calls `handler` with what it returned (the client's socket
// and its peer, formatted anew for each client: clients of one listener may
// have addresses of different lengths, such as unnamed and named AF_UNIX
// clients, or IPv4 and IPv6 clients of a dual-stack listener), and closes
// each client's socket after its handler returns, whether the handler
// succeeded or not (descriptor 0 included). Then it goes on to the next
// client:
//   - accept failing with EINTR (a signal interrupted the wait) or
//     ECONNABORTED (a queued connection was reset; the BSDs report that,
//     while Linux hands the connection over and its first recv() fails) is
//     retried, and does not count as a connection;
//   - a handler that fails does not stop the loop.
// Returns how many handlers succeeded (0 when `count` is 0 or less, without
// calling accept). Any other accept error ends the loop and is returned
// (EAGAIN on a non-blocking listener with no client left, EINVAL on a socket
// that is not listening, ...). No client socket stays open after it returns.
SysResult<int> ServeClients(int listen_fd, int count, const ClientHandler& handler);

}  // namespace labkit::lab04
