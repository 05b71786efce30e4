// Helpers for the facts suite: each TEST(FactsX, Y) checks one sentence of a
// handout against the kernel it runs on, on loopback only. Nothing here
// sleeps to wait for readiness: ports come from bind(port 0) and
// getsockname, waits are poll() with a bound, and every socket a fact may
// block on gets SO_RCVTIMEO / SO_SNDTIMEO as a last resort.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "labs/common/unique_fd.h"

namespace labkit::facts {

using Fd = UniqueFd;

// The longest any single wait in a fact may take.
inline constexpr int kBoundMs = 2000;

// errno after a call that returned `result`; 0 when it succeeded.
int ErrnoOf(long result);
// "EINVAL", or "0" for success: for messages.
std::string ErrnoName(int error);

// Makes every blocking call on `fd` give up after `ms` (SO_RCVTIMEO and
// SO_SNDTIMEO; accept and connect honour them too).
void Bound(int fd, int ms = kBoundMs);
// poll() for `events` on `fd`, for at most `ms`: the revents seen, 0 if none.
short WaitFor(int fd, short events, int ms = kBoundMs);
// Looks at `condition` every millisecond for at most `ms`: whether it held.
// For state only /proc shows (a TIME_WAIT entry, a thread asleep in a call).
bool WaitUntil(const std::function<bool()>& condition, int ms = kBoundMs);

sockaddr_in Inet4(const char* ip, uint16_t port);
sockaddr_in6 Inet6(const char* ip, uint16_t port);
sockaddr_un UnixPath(const std::string& path);  // path must fit with its NUL
const sockaddr* Sa(const void* address);
sockaddr* Sa(void* address);  // for calls that fill an address in

// The port `fd` is bound to (getsockname), in host order.
uint16_t PortOf(int fd);
// socket(family, type) bound to ip:0, so the kernel picks the port.
Fd BoundSocket(int family, int type, const char* ip);
// A listening TCP socket on ip:0.
Fd TcpListener(const char* ip = "127.0.0.1", int backlog = 8);
// A blocking client connected to `listener`'s address, bounded by Bound().
Fd ConnectTo(int listener);
// A listener's accepted connection, waited for with a bound; -1 if none.
Fd AcceptFrom(int listener);
// A port of `type` that is surely closed: bound once, then released.
uint16_t ClosedPort(int type, const char* ip = "127.0.0.1");
// A connected TCP pair on 127.0.0.1: {client, server side}.
std::pair<Fd, Fd> TcpPair();

// One line of /proc/net/tcp: an IPv4 TCP socket of this network namespace.
struct TcpEntry {
  unsigned local_port = 0, remote_port = 0, state = 0, timer = 0;
  unsigned long unread = 0;      // bytes received, not yet read (rx_queue)
  unsigned long ticks_left = 0;  // of its timer, in sysconf(_SC_CLK_TCK) ticks
};
std::vector<TcpEntry> TcpTable();

// /proc/sys/<name>, first line, trimmed; "" if it cannot be read.
std::string Sysctl(const std::string& name);
// The whitespace-separated numbers of a sysctl, or empty.
std::vector<long> SysctlNumbers(const std::string& name);

// A fresh directory under /tmp (short, so sun_path limits are ours to pick),
// removed with everything in it when the test program ends.
std::string TempDir();

// Runs the rest of a scope with `dir` as the working directory, for relative
// AF_UNIX paths whose length the test controls.
class InDirectory {
 public:
  explicit InDirectory(const std::string& dir);
  ~InDirectory();
  bool entered() const { return entered_; }

 private:
  Fd back_;
  bool entered_ = false;
};

// A fact the machine decides, seen to differ from what the handout says it
// usually is: printed as "differs here: ..." and recorded, never a failure.
void DiffersHere(const std::string& what);
// A value the machine decided that agrees with the handout, printed as
// "seen here: ..." so the log shows what this machine does.
void SeenHere(const std::string& what);
// Every DiffersHere of this run, "Suite.Test: what".
const std::vector<std::string>& DifferencesSeen();

// Runs `body` as an unprivileged user: uid and gid 65534 in a forked child
// when this process is root, or in this process when it is not root already.
// Returns body's result, or sets `why` and returns -1 when that cannot be
// done (for example, setuid is not permitted here).
int AsUnprivileged(const std::function<int()>& body, std::string* why);

// What a call interrupted by a signal did.
struct Interrupted {
  bool blocked = false;    // the thread was seen asleep in the call
  bool restarted = false;  // after the handler it slept in the same call again
  bool returned = false;   // the call returned (after `unblock` if restarted)
  long result = 0;
  int error = 0;
  std::string problem;  // what went wrong in the helper itself
};
// Runs `call` on a thread, waits (bounded) until that thread sleeps in one of
// `syscalls`, sends it SIGUSR1 (handler installed with or without
// SA_RESTART), and reports what the call did. If the call went back to sleep
// (restarted), `unblock` is run so it can return.
Interrupted InterruptBlockedCall(const std::function<long()>& call,
                                 const std::vector<long>& syscalls, bool sa_restart,
                                 const std::function<void()>& unblock);

}  // namespace labkit::facts
