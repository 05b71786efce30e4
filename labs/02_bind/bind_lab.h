// Lab 02 — bind(): give a socket an address, so others can find it.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in bind_lab.cc. The handout is handouts/02_bind.md.
//
// Every function takes a socket the caller created (lab 01) and leaves it
// open: the caller owns it. Ports are in host byte order, as people write
// them; converting them for the kernel is your job.
#pragma once

#include <cstdint>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::lab02 {

// Step 1. Binds an AF_INET socket to a numeric IPv4 address ("127.0.0.1",
// "0.0.0.0") and a port; port 0 lets the kernel pick a free one.
// An `ip` that is not a dotted-quad IPv4 address gives EINVAL without
// calling bind(); otherwise bind's errno (EADDRINUSE, EACCES, EADDRNOTAVAIL,
// ...) is returned as it is.
Status BindInet(int fd, const std::string& ip, uint16_t port);

// Step 2. The port `fd` is bound to, read back with getsockname(), in host
// byte order. Works for AF_INET and AF_INET6 sockets; 0 if not bound yet.
SysResult<uint16_t> BoundPort(int fd);

// Step 3. The same as BindInet for an AF_INET6 socket and a numeric IPv6
// address ("::1", "::").
Status BindInet6(int fd, const std::string& ip, uint16_t port);

// Step 4. Binds an AF_UNIX socket to a filesystem path. A stale socket file
// left at `path` by an earlier server is removed first; any other kind of
// file there is left alone (bind then fails with EADDRINUSE). A path that
// does not fit in sockaddr_un's sun_path with its terminating NUL (more than
// 107 characters: the portable rule, though Linux itself takes 108) gives
// ENAMETOOLONG.
Status BindUnixPath(int fd, const std::string& path);

// Step 5. Binds an AF_UNIX socket to a name in the abstract namespace
// (Linux): no file is created, and the name is exactly `name`, with no
// trailing NUL bytes. A name longer than sun_path allows gives ENAMETOOLONG.
Status BindUnixAbstract(int fd, const std::string& name);

}  // namespace labkit::lab02
