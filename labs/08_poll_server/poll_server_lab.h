// Lab 08 — poll(): one thread serves many clients at once.
//
// This header is the contract between you and the tests. Do not change it;
// write your code in poll_server_lab.cc. The handout is
// handouts/08_poll_server.md.
//
// The server speaks a line protocol. A client sends lines, each ending in
// '\n'; for every whole line the server answers with the line's length in
// bytes (in decimal, without the '\n'), one space, the line's bytes in
// reverse order, and '\n':
//     "hello\n"  ->  "5 olleh\n"        "\n"  ->  "0 \n"
// A line split over several reads is still one line: "he" then "llo\n"
// is answered "5 olleh\n", never "2 eh\n3 oll\n". Bytes are bytes: '\r' or
// a NUL byte is part of a line like any other.
//
// The listening sockets and the stop descriptor belong to the caller: no
// function here closes them. Every client socket the server accepts belongs
// to the server, which closes it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "labs/common/sys_result.h"

namespace labkit::lab08 {

// The longest line the server answers, in bytes before its '\n'. A line of
// exactly this many bytes is answered; a longer one is not (see AnswerLines).
inline constexpr size_t kMaxLineLength = 1024;

// What the server sends a client whose line is too long, before it closes
// that client's connection.
inline constexpr std::string_view kTooLongReply = "ERR line too long\n";

// The most bytes ReadAvailable takes in one call: a client that sends a
// flood cannot keep the server from the others.
inline constexpr size_t kMaxReadPerCall = 64 * 1024;

// While this many bytes or more wait to be sent to a client, the server
// stops reading from it: a client that sends but never reads cannot make
// the server's memory grow without bound.
inline constexpr size_t kMaxPendingOutput = 1024 * 1024;

// Step 1. Makes `fd` non-blocking: reads its file status flags with
// fcntl(F_GETFL) and sets them again with O_NONBLOCK added, keeping every
// other flag (O_APPEND on a pipe, say). Making a non-blocking descriptor
// non-blocking again is fine. Works on any descriptor (a socket, a pipe).
// Errors are fcntl's, returned as they are: EBADF for a descriptor that is
// not open.
Status SetNonBlocking(int fd);

// What AnswerLines makes of a client's input buffer.
struct Answers {
  size_t consumed = 0;     // bytes taken off the front: whole lines, each with its '\n'
  std::string replies;     // the answer to each of those lines, in order
  bool too_long = false;   // a line longer than kMaxLineLength comes next
  bool operator==(const Answers&) const = default;
};

// Step 2. Answers every whole line at the front of `input` (what a client
// has sent and nobody has answered yet), in order. A last line without its
// '\n' is left alone: `consumed` stops before it, so it stays in the
// buffer until the rest arrives. Empty input (or input with no '\n' yet)
// gives {0, "", false}.
// A line longer than kMaxLineLength bytes is never answered: AnswerLines
// stops in front of it, answers only the lines before it, and sets
// `too_long`. It knows that as soon as the line has more than
// kMaxLineLength bytes, with or without its '\n' yet.
Answers AnswerLines(std::string_view input);

// Step 3. Accepts the next client waiting on `listen_fd` and returns its
// socket, already non-blocking (accept4 with SOCK_NONBLOCK, or accept and
// SetNonBlocking). The caller owns it; 0 is a descriptor, not a failure.
// On failure nothing is left open and accept's errno is returned as it is,
// never retried: EAGAIN (a non-blocking listener with no client waiting),
// EINVAL (a socket that is not listening), ENOTSOCK (not a socket), EBADF
// (not open).
SysResult<int> AcceptClient(int listen_fd);

// What one ReadAvailable call got.
struct Received {
  std::string bytes;    // what was read, in order
  bool closed = false;  // the client ended its stream (recv returned 0)
  bool operator==(const Received&) const = default;
};

// Step 4. Reads what is waiting on the non-blocking socket `fd` now,
// without waiting for more: recv (or read) again and again until it fails
// with EAGAIN (nothing more for now), returns 0 (end of stream: `closed`
// is set) or kMaxReadPerCall bytes have been read. Nothing waiting gives
// {"", false}; a client that sent "bye" and closed gives {"bye", true}.
// A call interrupted by a signal is made again. Any other error is returned
// as it is, even after some bytes were read (they are dropped): ECONNRESET
// (the client reset the connection), EBADF (not open).
SysResult<Received> ReadAvailable(int fd);

// Step 5. Sends as much of `bytes` as the non-blocking socket `fd` takes
// now, from the front, without waiting: send again and again until all is
// sent or send fails with EAGAIN (the socket's buffer is full). Returns how
// many bytes were sent, from 0 (full, or `bytes` empty: then no send at
// all) to bytes.size(); the caller keeps the rest for later. A call
// interrupted by a signal is made again. A peer that is gone must not kill the process with SIGPIPE
// (MSG_NOSIGNAL): the error is returned instead, as it is: EPIPE (the
// connection was shut down for writing, or the peer is gone), ECONNRESET
// (the peer reset it), EBADF (not open).
SysResult<size_t> SendAvailable(int fd, std::string_view bytes);

// What RunServer serves, and when it stops.
struct ServerConfig {
  std::vector<int> listen_fds;  // listening stream sockets: IPv4, IPv6, AF_UNIX, any mix
  int stop_fd = -1;             // readable (or hung up) means: stop
};

// What RunServer did before it stopped.
struct ServeStats {
  int clients = 0;  // connections accepted
  int lines = 0;    // lines answered
  bool operator==(const ServeStats&) const = default;
};

// Step 6. The server: one thread, one poll() loop, every client at once.
// Fails with EINVAL, before anything else, when `listen_fds` is empty or
// `stop_fd` is negative. Then makes every listener non-blocking
// (SetNonBlocking), failing with its errno (EBADF for one that is not
// open) before serving anyone. Then loops, waiting only in poll(), never in
// accept, recv or send, and never busily: poll() watches
//   - `stop_fd` for POLLIN: once it is readable or hung up, RunServer closes
//     every client socket at once (what is still unsent is dropped) and
//     returns the stats. It does not read `stop_fd` and leaves it open;
//   - each listener for POLLIN: it then accepts every waiting client
//     (AcceptClient until none is left; an interrupted or aborted accept is
//     made again, any other failure ends the accepting until the next poll);
//   - each client for POLLIN while it reads from that client, and for
//     POLLOUT only while it has something to send to that client.
// For each client it keeps an input buffer (bytes received, not yet
// answered) and an output buffer (answers not yet sent). Each time a client
// is readable it takes one ReadAvailable, appends the bytes to the input
// buffer, answers the whole lines there (AnswerLines), removes them, and
// appends the replies to the output buffer, which it sends with
// SendAvailable when the client is writable, keeping what was not taken.
// A client whose output buffer holds kMaxPendingOutput bytes or more is not
// read from until it is below again.
// A client leaves at any moment, and is then removed from the poll set:
//   - when it ends its stream, the lines it completed are answered and
//     sent, a last unfinished line is dropped, and its socket is closed once
//     its output buffer is empty (at once if it is);
//   - when a line is too long (AnswerLines's `too_long`), the lines before
//     it are answered, then kTooLongReply, then nothing more is read from
//     it and its socket is closed once all that is sent;
//   - when ReadAvailable or SendAvailable fails (the client reset the
//     connection, say), its socket is closed at once and its buffers dropped.
// A client's error concerns that client only; the others go on. A poll()
// interrupted by a signal is made again; any other poll() failure closes
// every client and is returned. When it returns, for whatever reason, no descriptor it
// opened is left open.
SysResult<ServeStats> RunServer(const ServerConfig& config);

}  // namespace labkit::lab08
