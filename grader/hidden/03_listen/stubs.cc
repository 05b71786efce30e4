// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/03_listen/listen_lab.h"

#include "grader/harness/remote_client.h"

namespace labkit::lab03 {

SysResult<int> ListenInet(const std::string& ip, uint16_t port, int backlog) {
  LABKIT_FORWARD(ListenInet, ip, port, backlog);
}

SysResult<uint16_t> ListeningPort(int fd) {
  LABKIT_FORWARD(ListeningPort, fd);
}

SysResult<int> ListenInet6(const std::string& ip, uint16_t port, int backlog) {
  LABKIT_FORWARD(ListenInet6, ip, port, backlog);
}

SysResult<int> ListenUnix(const std::string& path, int backlog) {
  LABKIT_FORWARD(ListenUnix, path, backlog);
}

}  // namespace labkit::lab03
