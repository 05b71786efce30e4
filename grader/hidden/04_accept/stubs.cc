// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/04_accept/accept_lab.h"

#include "grader/harness/remote_client.h"
#include "grader/hidden/04_accept/wire_fields.h"

namespace labkit::lab04 {

std::string FormatPeer(const sockaddr_storage& address, socklen_t length) {
  LABKIT_FORWARD(FormatPeer, address, length);
}

SysResult<Accepted> AcceptWithPeer(int listen_fd) {
  LABKIT_FORWARD(AcceptWithPeer, listen_fd);
}

SysResult<int> AcceptAnonymous(int listen_fd) {
  LABKIT_FORWARD(AcceptAnonymous, listen_fd);
}

SysResult<int> ServeClients(int listen_fd, int count, const ClientHandler& handler) {
  LABKIT_FORWARD(ServeClients, listen_fd, count, handler);
}

}  // namespace labkit::lab04
