// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/06_send_recv/send_recv_lab.h"

#include "grader/harness/remote_client.h"
#include "grader/hidden/06_send_recv/wire_fields.h"

namespace labkit::lab06 {

Status SendAll(int fd, std::string_view data) {
  LABKIT_FORWARD(SendAll, fd, data);
}

SysResult<std::string> RecvExact(int fd, size_t n) {
  LABKIT_FORWARD(RecvExact, fd, n);
}

SysResult<std::string> RecvUntilEof(int fd) {
  LABKIT_FORWARD(RecvUntilEof, fd);
}

SysResult<std::string> Peek(int fd, size_t max) {
  LABKIT_FORWARD(Peek, fd, max);
}

Status SendUrgent(int fd, char byte) {
  LABKIT_FORWARD(SendUrgent, fd, byte);
}

SysResult<char> RecvUrgent(int fd) {
  LABKIT_FORWARD(RecvUrgent, fd);
}

SysResult<bool> AtUrgentMark(int fd) {
  LABKIT_FORWARD(AtUrgentMark, fd);
}

Status SendDontRoute(int fd, std::string_view data) {
  LABKIT_FORWARD(SendDontRoute, fd, data);
}

Status SendToConnected(int fd, std::string_view data, const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(SendToConnected, fd, data, ip, port);
}

SysResult<Received> RecvFromConnected(int fd, size_t max) {
  LABKIT_FORWARD(RecvFromConnected, fd, max);
}

}  // namespace labkit::lab06
