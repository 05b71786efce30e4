// Lab 05 — connect(): reach a server as a client.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in connect_lab.cc. The handout is handouts/05_connect.md.
//
// A client takes two steps: socket(), then connect(). Each Connect* function
// below does both and returns a connected, blocking SOCK_STREAM socket of the
// family the address belongs to: the lowest free descriptor, as socket()
// gives it (0 when stdin is closed: 0 is a descriptor, not a failure). The
// caller owns it and closes it. On any failure nothing is left open: a
// socket created for a connect() that failed is closed, and the errno
// returned is the one of the call that failed (socket() or connect()), read
// before close() or anything else can change it. Ports are in host byte
// order, as people write them; port 0 is passed on like any other, and as
// nothing listens on port 0, connect() fails with ECONNREFUSED.
#pragma once

#include <cstdint>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::lab05 {

// Step 1. Connects to a numeric IPv4 address ("127.0.0.1") and port with a
// new AF_INET stream socket. Numeric only: an `ip` that is not a dotted-quad
// IPv4 address, such as a name ("localhost", even where it resolves) or ""
// (empty), gives EINVAL, found before any socket is created, and no name is
// ever looked up. connect's errno comes back as it is: ECONNREFUSED when
// nothing listens on that port, ...
SysResult<int> ConnectInet(const std::string& ip, uint16_t port);

// Step 2. The address of the peer `fd` is connected to, read with
// getpeername() into room for an address of any family and written as text:
// "127.0.0.1:8080" for AF_INET, "[::1]:8080" for AF_INET6 (the address as
// inet_ntop writes it, "[::ffff:127.0.0.1]:8080" for an IPv4-mapped one),
// and "unix:/path/to/socket" for an AF_UNIX peer bound to a path (the path
// up to its NUL: 107 characters at the longest a ConnectUnix reaches). `fd`
// may be 0. getpeername's errno on failure: ENOTCONN for a socket that is
// not connected (a listening one too), ENOTSOCK for a descriptor that is
// not a socket, EBADF for one that is not open. A peer of any other family
// (getpeername() succeeds on a netlink socket) has no text here: an error,
// EAFNOSUPPORT or another errno of your choice, never a text.
SysResult<std::string> PeerAddress(int fd);

// Step 3. The same as ConnectInet for a numeric IPv6 address ("::1",
// "::ffff:127.0.0.1") with a new AF_INET6 stream socket. An IPv4-mapped
// address reaches an IPv4 server. Numeric only: anything else, such as an
// IPv4 address, a name ("localhost", "ip6-localhost") or "", gives EINVAL
// before any socket is created.
SysResult<int> ConnectInet6(const std::string& ip, uint16_t port);

// Step 4. Connects to the AF_UNIX stream socket listening at the filesystem
// path `path`, following symbolic links as connect() does. A path that does
// not fit in sun_path with its terminating NUL (more than 107 characters)
// gives ENAMETOOLONG before any socket is created; 107 characters fit.
// connect's errno comes back as it is: ENOENT when nothing exists at the
// path (a missing directory on the way, a dangling symbolic link),
// ECONNREFUSED when the file there is not a listening socket (a regular
// file, a directory, a fifo, a stale socket file, a socket that never
// listened), EPROTOTYPE when the socket there is not a stream socket. An
// empty path names no socket: it fails and leaves nothing open (connect()
// reads a sun_path that starts with its NUL as an abstract name nobody
// listens on, ECONNREFUSED, or gives EINVAL for a length that covers no
// path, as SUN_LEN's does; ENOENT if you check for it yourself).
SysResult<int> ConnectUnix(const std::string& path);

// Step 5. Connects to `host`, a numeric IPv4 or IPv6 address, whichever it
// is: the family (and so the socket's) comes from the address. Numeric only:
// a host that is neither, such as a name ("localhost", even where it
// resolves) or "" (empty), gives EINVAL before any socket is created, and no
// name is ever looked up. Errors otherwise as for ConnectInet
// (ECONNREFUSED when nothing listens).
SysResult<int> ConnectNumeric(const std::string& host, uint16_t port);

}  // namespace labkit::lab05
