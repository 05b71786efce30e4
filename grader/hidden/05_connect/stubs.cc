// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/05_connect/connect_lab.h"

#include "grader/harness/remote_client.h"

namespace labkit::lab05 {

SysResult<int> ConnectInet(const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(ConnectInet, ip, port);
}

SysResult<std::string> PeerAddress(int fd) {
  LABKIT_FORWARD(PeerAddress, fd);
}

SysResult<int> ConnectInet6(const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(ConnectInet6, ip, port);
}

SysResult<int> ConnectUnix(const std::string& path) {
  LABKIT_FORWARD(ConnectUnix, path);
}

SysResult<int> ConnectNumeric(const std::string& host, uint16_t port) {
  LABKIT_FORWARD(ConnectNumeric, host, port);
}

}  // namespace labkit::lab05
