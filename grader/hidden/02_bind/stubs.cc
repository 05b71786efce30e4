// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/02_bind/bind_lab.h"

#include "grader/harness/remote_client.h"

namespace labkit::lab02 {

Status BindInet(int fd, const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(BindInet, fd, ip, port);
}

SysResult<uint16_t> BoundPort(int fd) {
  LABKIT_FORWARD(BoundPort, fd);
}

Status BindInet6(int fd, const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(BindInet6, fd, ip, port);
}

Status BindUnixPath(int fd, const std::string& path) {
  LABKIT_FORWARD(BindUnixPath, fd, path);
}

Status BindUnixAbstract(int fd, const std::string& name) {
  LABKIT_FORWARD(BindUnixAbstract, fd, name);
}

}  // namespace labkit::lab02
