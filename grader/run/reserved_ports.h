// Ports whose two bytes are equal (0x8080, 0xabab, ...) read the same in
// either byte order, so a port the student wrote without htons() or read
// without ntohs() goes unnoticed on them. The kernel hands out about one
// such port in 257 for a bind to port 0 or a connect without bind: a case
// would then pass a byte-order bug by chance, and a regrade could change
// the score. Each jail's network namespace keeps them out of automatic
// assignment (net.ipv4.ip_local_reserved_ports, which also covers IPv6);
// a port asked for by number can still be bound.
#pragma once

#include <sys/types.h>

#include <string>

namespace labkit::run {

// "257,514,...,65535": every port from 1 to 65535 whose two bytes are equal.
std::string EqualBytePortList();

// Writes EqualBytePortList() to net.ipv4.ip_local_reserved_ports in the
// network namespace of process `pid`. Needs CAP_SYS_ADMIN there (root,
// for a jail bubblewrap started as root). False if it cannot, or if that
// namespace is the caller's own: the host's setting is never changed.
bool ReserveEqualBytePorts(pid_t pid);

// What a case run reports (a HarnessProblem) when that fails.
inline constexpr const char* kCannotReservePorts =
    "cannot keep equal-byte ports out of the jail's automatic assignment (reserved_ports.h)";

}  // namespace labkit::run
