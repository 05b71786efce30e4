// Lab 03 — listen(): open a server for connections.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in listen_lab.cc. The handout is handouts/03_listen.md.
//
// Each Listen* function does a server's whole setup in one call: socket(),
// bind(), listen(). It returns the listening descriptor, a blocking
// SOCK_STREAM socket that the caller owns and must close. On any failure it
// returns the errno of the call that failed and leaves NO descriptor open:
// a socket it created is closed again, after its errno has been read.
//
// `backlog` is passed to listen() as it is: it bounds the connections that
// may wait, completed, for accept(). 0 is a legal backlog (on Linux, the
// smallest queue: one connection), not "use a default". Ports are in host
// byte order.
#pragma once

#include <cstdint>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::lab03 {

// Step 1. An AF_INET server listening on a numeric IPv4 address ("127.0.0.1",
// "0.0.0.0") and a port; port 0 lets the kernel pick a free one.
// SO_REUSEADDR is set before bind(), so a restarted server can bind its port
// again while connections of the old one still sit in TIME_WAIT (on Linux
// only if those had it too: they inherit it from the listener).
// An `ip` that is not a numeric IPv4 address (a host name, an IPv6 address,
// "") gives EINVAL, and no socket is left open. Otherwise the errno of the
// failing call is returned as it is: EADDRINUSE (another socket listens
// there), EADDRNOTAVAIL (an address this host does not have), EMFILE
// (socket() found no free descriptor), ...
SysResult<int> ListenInet(const std::string& ip, uint16_t port, int backlog);

// Step 2. The port a listening (or just bound) socket has, read back with
// getsockname(), in host byte order: how a server that asked for port 0
// learns which port to tell its clients. Works for AF_INET and AF_INET6;
// a socket of another family gives EAFNOSUPPORT, and getsockname's own
// errno (EBADF, ENOTSOCK) is returned as it is.
SysResult<uint16_t> ListeningPort(int fd);

// Step 3. The same as ListenInet for AF_INET6 and a numeric IPv6 address
// ("::1", "::"); anything else (including "127.0.0.1") gives EINVAL.
// IPV6_V6ONLY is left as the system has it.
SysResult<int> ListenInet6(const std::string& ip, uint16_t port, int backlog);

// Step 4. An AF_UNIX stream server listening on a filesystem path. A stale
// socket file left at `path` by an earlier server is removed first; any
// other kind of file there is left alone, and bind() then fails with
// EADDRINUSE. A path that does not fit in sun_path with its terminating NUL
// (more than 107 characters) gives ENAMETOOLONG. Other errors: bind's errno
// (ENOENT for a missing directory, EACCES, ...), with no descriptor left open.
SysResult<int> ListenUnix(const std::string& path, int backlog);

}  // namespace labkit::lab03
