// Lab 02 — bind(): give a socket an address, so others can find it.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in bind_lab.cc. The handout is handouts/02_bind.md.
//
// Every function takes a socket the caller created (lab 01), whatever its
// number (0 included, when stdin is closed), and leaves it open: the caller
// owns it. Ports are in host byte order, as people write
// them; converting them for the kernel is your job.
#pragma once

#include <cstdint>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::lab02 {

// Step 1. Binds an AF_INET socket to a numeric IPv4 address ("127.0.0.1",
// "0.0.0.0") and a port, exactly the address asked (never INADDR_ANY in its
// place); port 0 lets the kernel pick a free one, and 65535 is a port like
// any other. Every dotted quad is an address, 255.255.255.255 included. An
// `ip` that is not a dotted-quad IPv4 address (a host name such as
// "localhost", which is never looked up, an IPv6 address, "", an address
// with anything after it such as "127.0.0.1 x") gives EINVAL without calling
// bind(), so the socket stays unbound. Otherwise bind's errno
// is returned as it is: EADDRINUSE (the port is taken on that address or on
// 0.0.0.0), EACCES (a privileged port), EADDRNOTAVAIL (an address this host
// does not have), EINVAL (the socket is bound already), ...
Status BindInet(int fd, const std::string& ip, uint16_t port);

// Step 2. The port `fd` is bound to, read back with getsockname(), in host
// byte order. Works for AF_INET and AF_INET6 sockets; 0 if not bound yet.
// getsockname's errno is returned as it is: EBADF (not an open descriptor),
// ENOTSOCK (not a socket).
SysResult<uint16_t> BoundPort(int fd);

// Step 3. The same as BindInet for an AF_INET6 socket and a numeric IPv6
// address ("::1", "::"): anything else ("localhost", "127.0.0.1", "") gives
// EINVAL without calling bind(); bind's errno (EADDRINUSE, ...) as it is.
Status BindInet6(int fd, const std::string& ip, uint16_t port);

// Step 4. Binds an AF_UNIX socket to a filesystem path. A socket file at
// `path` is taken for a stale one, left by an earlier server, and removed
// first (lstat() tells; it is not probed, so even one a server still
// listens on is replaced). Any other kind of file there is left alone, and
// bind then fails with EADDRINUSE: a regular file, a directory, a fifo, a
// symbolic link (even one to a socket file, or to nothing). A path of up to
// 107 characters binds; a longer one does not fit in sockaddr_un's sun_path
// with its terminating NUL (the portable rule, though Linux itself takes
// 108) and gives ENAMETOOLONG. Other errors are bind's errno: ENOENT (a
// missing directory), EACCES (a directory the caller may not write to), ...
Status BindUnixPath(int fd, const std::string& path);

// Step 5. Binds an AF_UNIX socket to a name in the abstract namespace
// (Linux): no file is created, and the name is exactly `name`, every byte
// of it (a NUL byte inside included), with no trailing NUL bytes. After the leading NUL, a name of up to 107 characters
// fits in sun_path and binds; a longer one gives ENAMETOOLONG. Other errors
// are bind's errno (EADDRINUSE: the name is taken).
Status BindUnixAbstract(int fd, const std::string& name);

}  // namespace labkit::lab02
