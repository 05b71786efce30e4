// Lab 06 — send() and recv(): move bytes over a stream.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in send_recv_lab.cc. The handout is handouts/06_send_recv.md.
//
// Every function takes a connected stream socket (TCP, or AF_UNIX
// SOCK_STREAM) that the caller made, and leaves it open: the caller owns it.
// The sockets are blocking, and the functions block as long as they must.
// A descriptor is any number >= 0: 0 is a socket like any other (the lowest
// free number when standard input is closed).
//
// Three rules hold for every function below:
// - A signal that interrupts a call (EINTR) is not an error: call again.
//   A send that a signal cut short returns how much it took: send the rest.
// - Nothing here may raise SIGPIPE. Sending to a peer that has gone away
//   fails with EPIPE, and the process lives on: pass MSG_NOSIGNAL to every
//   send, sendto and sendmsg, whatever other flags it has.
// - After the peer reset the connection (RST), the next send or receive
//   fails with ECONNRESET.
// Other failures return the errno of the call that failed, unchanged.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "labs/common/sys_result.h"

namespace labkit::lab06 {

// Step 1. Sends every byte of `data`, in order. One send() may take only
// part of it (a signal can cut a blocked send short); keep sending the rest
// until all of it is gone. Empty `data` succeeds without sending anything.
// Errors: EPIPE when the peer has closed (never SIGPIPE: MSG_NOSIGNAL);
// ECONNRESET when it reset the connection; on any error, how much went out
// before it is unknown.
Status SendAll(int fd, std::string_view data);

// Step 2. Receives exactly `n` bytes and returns them. A stream has no
// message boundaries: one recv() returns whatever has arrived, so keep
// receiving until `n` bytes are in. Never read more than `n`: the bytes
// after them belong to the caller's next read.
// End of stream (the peer closed or called shutdown(SHUT_WR)) before `n`
// bytes came gives what arrived before it, fewer than `n` bytes (possibly
// none); that is success, so the caller compares the size: exactly `n` sent
// then end of stream gives all `n`. n == 0 returns "" at once, without
// calling recv() (a recv() of 0 bytes waits for data on TCP).
// Errors: ECONNRESET when the peer reset the connection (the bytes
// received before the reset are dropped).
SysResult<std::string> RecvExact(int fd, size_t n);

// Step 3. Receives everything until the peer ends the stream (recv()
// returns 0) and returns it. A recv() that returns fewer bytes than asked,
// or a peer that pauses, is not the end: only 0 is. A stream that ends at
// once gives "".
// Errors: ECONNRESET when the peer reset the connection instead of closing
// it in order (the bytes received before the reset are dropped).
SysResult<std::string> RecvUntilEof(int fd);

// Step 4. Looks at the next bytes without taking them (MSG_PEEK): one
// recv() into a buffer of `max` bytes, so all that has arrived, up to `max`
// bytes, waiting for at least one; "" at end of stream. The next recv()
// returns the same bytes again. max == 0 returns "" and takes nothing.
// Errors: ECONNRESET after a reset.
SysResult<std::string> Peek(int fd, size_t max);

// Step 5. Sends one byte of urgent ("out-of-band") data with MSG_OOB. The
// peer's kernel marks the place of that byte in the stream. Any byte value
// counts, '\0' included: it is one byte, not a C string.
// Errors: EPIPE when the peer has gone (MSG_OOB | MSG_NOSIGNAL: never
// SIGPIPE); ECONNRESET after a reset; EOPNOTSUPP where the socket has no
// urgent data (a datagram socket).
Status SendUrgent(int fd, char byte);

// Step 6. Reads the urgent byte that has arrived, with MSG_OOB, whatever
// its value ('\0' too). Does not wait: call it when poll() reports POLLPRI.
// Errors: EINVAL when no urgent byte is waiting (none was sent, or it was
// read already); when one was announced but has not arrived yet, recv()'s
// error for that, unchanged.
SysResult<char> RecvUrgent(int fd);

// Step 7. True when the next byte a plain recv() would return comes right
// after the urgent byte: everything sent before it has been read (ioctl
// SIOCATMARK, or sockatmark()). A plain recv() never reads across the mark.
// Errors: the errno of the call (ENOTTY for a descriptor that is not a
// socket).
SysResult<bool> AtUrgentMark(int fd);

// Step 8. SendAll with MSG_DONTROUTE on every send: the data must go
// straight to a host on a directly attached network, with no gateway.
// Loopback is attached, so there the data simply arrives. Like SendAll, it
// keeps sending after a short send, and empty `data` sends nothing.
// Errors: as SendAll's, EPIPE (MSG_DONTROUTE | MSG_NOSIGNAL: never SIGPIPE)
// and ECONNRESET.
Status SendDontRoute(int fd, std::string_view data);

// Step 9. SendAll through sendto() with a destination address: `ip` is a
// numeric IPv4 or IPv6 address, `port` in host byte order. On a connected
// TCP socket Linux ignores the address, so the data goes to the connected
// peer; an AF_UNIX stream socket refuses an address with EISCONN. Like
// SendAll, it keeps sending after a short send, and empty `data` sends
// nothing (but its `ip` is still checked).
// Errors: EINVAL for an `ip` that is not a numeric address, without
// sending; EPIPE when the peer has gone (MSG_NOSIGNAL: never SIGPIPE);
// ECONNRESET after a reset; sendto's EISCONN.
Status SendToConnected(int fd, std::string_view data, const std::string& ip, uint16_t port);

// What one recvfrom() returned: the bytes, and the length of the source
// address it wrote back.
struct Received {
  std::string data;
  socklen_t address_length = 0;
};

// Step 10. One recvfrom() with room for any address (a sockaddr_storage):
// up to `max` bytes of what has arrived, waiting for at least one; no bytes
// at end of stream. `address_length` is the length recvfrom() reported back
// in its value-result argument: on Linux 0 for a TCP socket, whose sender
// is always the connected peer. Like Peek: all that has arrived, up to `max`
// bytes; max == 0 returns no bytes and takes nothing.
// Errors: ECONNRESET after a reset.
SysResult<Received> RecvFromConnected(int fd, size_t max);

}  // namespace labkit::lab06
