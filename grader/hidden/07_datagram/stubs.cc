// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/07_datagram/datagram_lab.h"

#include "grader/harness/remote_client.h"
#include "grader/hidden/07_datagram/wire_fields.h"

namespace labkit::lab07 {

SysResult<Endpoint> MakeEndpoint(const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(MakeEndpoint, ip, port);
}

SysResult<int> OpenUdp(const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(OpenUdp, ip, port);
}

Status SendDatagram(int fd, const std::string& payload, const Endpoint& to) {
  LABKIT_FORWARD(SendDatagram, fd, payload, to);
}

SysResult<Datagram> RecvDatagram(int fd, size_t max_size) {
  LABKIT_FORWARD(RecvDatagram, fd, max_size);
}

Status Echo(int fd, int count) {
  LABKIT_FORWARD(Echo, fd, count);
}

SysResult<int> ConnectUdp(const std::string& ip, uint16_t port) {
  LABKIT_FORWARD(ConnectUdp, ip, port);
}

Status SendConnected(int fd, const std::string& payload) {
  LABKIT_FORWARD(SendConnected, fd, payload);
}

SysResult<Endpoint> UnixEndpoint(const std::string& path) {
  LABKIT_FORWARD(UnixEndpoint, path);
}

SysResult<int> OpenUnixDatagram(const std::string& path) {
  LABKIT_FORWARD(OpenUnixDatagram, path);
}

}  // namespace labkit::lab07
