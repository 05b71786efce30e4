// Lab 08 — your code goes here. See poll_server_lab.h for the contract and
// handouts/08_poll_server.md for the walkthrough.
#include "labs/08_poll_server/poll_server_lab.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace labkit::lab08 {

Status SetNonBlocking(int fd) {
  (void)fd;
  // TODO(step 1): fcntl(F_GETFL), then fcntl(F_SETFL) with O_NONBLOCK added.
  return Status::Error(ENOSYS);
}

Answers AnswerLines(std::string_view input) {
  (void)input;
  // TODO(step 2): find each '\n'; answer "LENGTH REVERSED\n" per whole line;
  // stop at an unfinished line, or at one longer than kMaxLineLength.
  return Answers{};
}

SysResult<int> AcceptClient(int listen_fd) {
  (void)listen_fd;
  // TODO(step 3): accept a client whose socket is non-blocking.
  return SysResult<int>::Error(ENOSYS);
}

SysResult<Received> ReadAvailable(int fd) {
  (void)fd;
  // TODO(step 4): recv until EAGAIN, end of stream or kMaxReadPerCall bytes.
  return SysResult<Received>::Error(ENOSYS);
}

SysResult<size_t> SendAvailable(int fd, std::string_view bytes) {
  (void)fd, (void)bytes;
  // TODO(step 5): send with MSG_NOSIGNAL until all is sent or EAGAIN.
  return SysResult<size_t>::Error(ENOSYS);
}

SysResult<ServeStats> RunServer(const ServerConfig& config) {
  (void)config;
  // TODO(step 6): check the config, make the listeners non-blocking, then
  // loop: build the poll set (stop_fd, listeners, clients), poll, accept,
  // read and answer, send, and remove the clients that left.
  return SysResult<ServeStats>::Error(ENOSYS);
}

}  // namespace labkit::lab08
