// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/01_socket/socket_lab.h"

#include "grader/harness/remote_client.h"
#include "grader/hidden/01_socket/wire_fields.h"

namespace labkit::lab01 {

int DomainConstant(Domain domain) {
  LABKIT_FORWARD(DomainConstant, domain);
}

int KindConstant(Kind kind) {
  LABKIT_FORWARD(KindConstant, kind);
}

SysResult<int> OpenSocket(int domain, int type, int protocol, bool nonblocking) {
  LABKIT_FORWARD(OpenSocket, domain, type, protocol, nonblocking);
}

SysResult<SocketInfo> DescribeSocket(int fd) {
  LABKIT_FORWARD(DescribeSocket, fd);
}

Status CloseSocket(int fd) {
  LABKIT_FORWARD(CloseSocket, fd);
}

}  // namespace labkit::lab01
