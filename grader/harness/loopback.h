// Test-side helpers for loopback tests that never sleep: port 0 and
// getsockname/getpeername, poll with a bound, readiness pipes, fd counting.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "grader/harness/show.h"

namespace labkit::harness {

// The address a socket is bound to, from getsockname, formatted by
// FormatSockaddr ("127.0.0.1:41234", "unix:/tmp/x", ...).
std::string LocalAddress(int fd);
// The address of the other end of a connected socket, from getpeername,
// formatted the same way; says why when there is none (not connected).
std::string PeerAddress(int fd);
// The port of an AF_INET/AF_INET6 socket's local address, in host order.
uint16_t LocalPort(int fd);
// A port on `ip` (numeric, v4 or v6) that was free a moment ago: bound with
// port 0, read back, and closed. Nothing listens there. Its two bytes
// differ, so a port written without htons() always shows as another one
// (in a grader's jail the kernel hands out no other kind: reserved_ports.h).
uint16_t UnusedPort(const std::string& ip);
// Fills a sockaddr_in or sockaddr_in6 from a numeric address; returns its length.
socklen_t MakeInetAddress(const std::string& ip, uint16_t port, sockaddr_storage& out);

// An int-valued socket option as the kernel reports it; -errno on failure.
int IntOption(int fd, int level, int option);

// Waits for `events` (or a hang-up or error) on fd for at most timeout_ms;
// true if something came, false on timeout.
bool WaitFor(int fd, short events, int timeout_ms);

// How many descriptors this process has open (from /proc/self/fd), below
// those a split case keeps for itself (remote_client.h).
int CountOpenFds();

// What lstat() says is at `path`, for a transcript: "nothing", "a socket
// file", "a directory", "a fifo", "a regular file", "a symbolic link to
// \"target\"" or "another kind of file".
Named FileKind(const std::string& path);

// A small file's whole content (a /proc entry, a file the case wrote); empty
// if it cannot be read. Read through the stream library, not read(), which
// the harness records (call_recorder.cc).
std::string ReadFile(const std::string& path);

// A fresh, empty directory inside the case's own directory, which the
// runner removes when the case ends. Paths in it are short enough for sun_path,
// and transcripts show the case's directory as $TMP.
std::string MakeTempDir();

// Tells the names a case makes (abstract socket names, random seeds) apart
// from any other test's on this machine: the process id; or, in the
// grader's jail, which sets LABKIT_CASE_NUMBER because each case there has
// a network namespace and /tmp of its own, the same number on every run, so
// that the student's transcript reads like the reference's.
unsigned CaseNumber();

// If running as root, becomes the unprivileged user `nobody` for the rest of
// the case, so privilege checks (ports below 1024) behave as for a student.
void DropPrivileges();

// A pipe one side writes a byte to when it is ready; the other waits with a bound.
class ReadinessPipe {
 public:
  ReadinessPipe();
  ~ReadinessPipe();
  ReadinessPipe(const ReadinessPipe&) = delete;
  ReadinessPipe& operator=(const ReadinessPipe&) = delete;
  void Signal();
  bool Wait(int timeout_ms);

 private:
  int fds_[2];
};

}  // namespace labkit::harness
