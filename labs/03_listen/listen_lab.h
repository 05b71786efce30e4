// Lab 03 — listen(): open a server for connections.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in listen_lab.cc. The handout is handouts/03_listen.md.
//
// Each Listen* function does a server's whole setup in one call: socket(),
// bind(), listen(). It returns the listening descriptor, a blocking
// SOCK_STREAM socket that the caller owns and must close: the lowest free
// number, 0 included when stdin is closed. ListeningPort takes any number. On any failure it
// returns the errno of the call that failed and leaves NO descriptor open:
// a socket it created is closed again, after its errno has been read.
//
// `backlog` is passed to listen() as it is: it bounds the connections that
// may wait, completed, for accept(). 0 is a legal backlog (on Linux, the
// smallest queue: one connection), not "use a default". So are a backlog
// above net.core.somaxconn and a negative one: the kernel then uses
// somaxconn (4096 here), not the code. Ports are in host byte order, and 0
// to 65535 are all ports (0: the kernel picks a free one).
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
// An `ip` that is not a numeric IPv4 address (a host name such as
// "localhost", which is never looked up, an IPv6 address, "", an address
// with anything after it such as "127.0.0.1 x") gives EINVAL, and no socket
// is left open. Otherwise the errno of the
// failing call is returned as it is: EADDRINUSE (another socket listens
// there), EADDRNOTAVAIL (an address this host does not have), EACCES (a
// privileged port, without the privilege), EMFILE (socket() found no free
// descriptor), ...
SysResult<int> ListenInet(const std::string& ip, uint16_t port, int backlog);

// Step 2. The port a listening (or just bound) socket has, read back with
// getsockname(), in host byte order: how a server that asked for port 0
// learns which port to tell its clients. Works for AF_INET and AF_INET6;
// a socket of another family gives EAFNOSUPPORT, and getsockname's own
// errno (EBADF for a number that is not open, ENOTSOCK for a pipe) is
// returned as it is.
SysResult<uint16_t> ListeningPort(int fd);

// Step 3. The same as ListenInet for AF_INET6 and a numeric IPv6 address
// ("::1", "::"); anything else ("localhost", "127.0.0.1", "", "::1 x")
// gives EINVAL.
// The errors are those of ListenInet (EADDRINUSE, EMFILE, ...).
// IPV6_V6ONLY is left as the system has it (net.ipv6.bindv6only, 0 by
// default), so by default a listener on "::" also takes IPv4 clients: dual
// stack.
SysResult<int> ListenInet6(const std::string& ip, uint16_t port, int backlog);

// Step 4. An AF_UNIX stream server listening on a filesystem path. A socket
// file at `path` is taken for a stale one, left by an earlier server, and
// removed first (lstat() tells; it is not probed, so even one a server still
// listens on is replaced). Any other kind of file there is left alone, and
// bind() then fails with EADDRINUSE: a regular file, a directory, a fifo, a
// symbolic link (even one to a socket file, or to nothing). A path of up to
// 107 characters works; a longer one does not fit in sun_path with its
// terminating NUL and gives ENAMETOOLONG. Other errors: socket's or bind's
// errno (EMFILE, ENOENT for a missing directory, EACCES for a directory the
// caller may not write to, ...), with no descriptor left open.
SysResult<int> ListenUnix(const std::string& path, int backlog);

}  // namespace labkit::lab03
