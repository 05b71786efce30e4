// Lab 06 — your code goes here. See send_recv_lab.h for the contract and
// handouts/06_send_recv.md for the walkthrough.
#include "labs/06_send_recv/send_recv_lab.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace labkit::lab06 {

Status SendAll(int fd, std::string_view data) {
  (void)fd, (void)data;
  // TODO(step 1): loop on send(..., MSG_NOSIGNAL) until every byte is out;
  // a short count means "send the rest", EINTR means "try again".
  return Status::Error(ENOSYS);
}

SysResult<std::string> RecvExact(int fd, size_t n) {
  (void)fd, (void)n;
  // TODO(step 2): loop on recv() for the bytes still missing; 0 is end of stream.
  return SysResult<std::string>::Error(ENOSYS);
}

SysResult<std::string> RecvUntilEof(int fd) {
  (void)fd;
  // TODO(step 3): append what recv() returns until it returns 0.
  return SysResult<std::string>::Error(ENOSYS);
}

SysResult<std::string> Peek(int fd, size_t max) {
  (void)fd, (void)max;
  // TODO(step 4): one recv() with MSG_PEEK.
  return SysResult<std::string>::Error(ENOSYS);
}

Status SendUrgent(int fd, char byte) {
  (void)fd, (void)byte;
  // TODO(step 5): send the one byte with MSG_OOB.
  return Status::Error(ENOSYS);
}

SysResult<char> RecvUrgent(int fd) {
  (void)fd;
  // TODO(step 6): recv() one byte with MSG_OOB.
  return SysResult<char>::Error(ENOSYS);
}

SysResult<bool> AtUrgentMark(int fd) {
  (void)fd;
  // TODO(step 7): ioctl(fd, SIOCATMARK, &int_flag), or sockatmark(fd).
  return SysResult<bool>::Error(ENOSYS);
}

Status SendDontRoute(int fd, std::string_view data) {
  (void)fd, (void)data;
  // TODO(step 8): step 1 again with MSG_DONTROUTE added to the flags.
  return Status::Error(ENOSYS);
}

Status SendToConnected(int fd, std::string_view data, const std::string& ip, uint16_t port) {
  (void)fd, (void)data, (void)ip, (void)port;
  // TODO(step 9): fill a sockaddr_in or sockaddr_in6 (inet_pton, htons), then
  // loop on sendto() with it.
  return Status::Error(ENOSYS);
}

SysResult<Received> RecvFromConnected(int fd, size_t max) {
  (void)fd, (void)max;
  // TODO(step 10): recvfrom() into a sockaddr_storage; keep the length it reports.
  return SysResult<Received>::Error(ENOSYS);
}

}  // namespace labkit::lab06
