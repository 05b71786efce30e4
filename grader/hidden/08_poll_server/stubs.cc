// The lab's functions as the graded test binary sees them: each forwards
// its call to the student process (grader/harness/remote_client.h), so the
// tests read the same as in the public suite, and no student code runs in
// the process that decides the verdict.
#include "labs/08_poll_server/poll_server_lab.h"

#include "grader/harness/remote_client.h"
#include "grader/hidden/08_poll_server/wire_fields.h"

namespace labkit::lab08 {

Status SetNonBlocking(int fd) { LABKIT_FORWARD(SetNonBlocking, fd); }

Answers AnswerLines(std::string_view input) { LABKIT_FORWARD(AnswerLines, input); }

SysResult<int> AcceptClient(int listen_fd) { LABKIT_FORWARD(AcceptClient, listen_fd); }

SysResult<Received> ReadAvailable(int fd) { LABKIT_FORWARD(ReadAvailable, fd); }

SysResult<size_t> SendAvailable(int fd, std::string_view bytes) {
  LABKIT_FORWARD(SendAvailable, fd, bytes);
}

SysResult<ServeStats> RunServer(const ServerConfig& config) {
  LABKIT_FORWARD(RunServer, config);
}

}  // namespace labkit::lab08
