// A jail session: many cases of one suite on one student library, one after
// another in one jail, instead of a jail each. Starting a jail, and a test
// binary in it, costs more than most cases take.
//
// Inside the jail the suite runs in serve mode (LABKIT_GRADE_MODE=serve) as
// the child of the case launcher (PID 1). It holds no student code: for each
// case the grader asks for, it forks a case process, which is as fresh as
// an exec'd one (no test ran in the server), and that one runs the case as
// before, the student's code in a process of its own. Once the case process
// ends, the server kills every other process left in the jail, empties
// /tmp, removes the System V objects and POSIX message queues it left
// (ipc_sweep.h), and sends its raw wait status. Only TCP connections in
// TIME_WAIT carry over, and only between cases of the same submission.
//
// Messages go over a SOCK_SEQPACKET socketpair: the grader sends a case's
// name with its output pipe (SCM_RIGHTS); the server answers with the
// status as a decimal number.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace labkit::harness::session {

// The server's end of the socketpair, as a descriptor number.
inline constexpr const char* kFdVariable = "LABKIT_SESSION_FD";

// Grader side. False if the server is gone.
bool SendRequest(int fd, const std::string& case_name, int output_fd);
// One waiting answer; nullopt if the server is gone or said nonsense.
std::optional<int> ReadStatus(int fd);

// Server side. One request (blocking); false at the end of the session, or
// for a request without a name or a descriptor.
bool ReceiveRequest(int fd, std::string& case_name, int& output_fd);

// Serves requests on `fd` until the grader closes it; each
// case process ends with exit(run_case(name)). Refuses (returns 2) unless
// it runs as the case launcher's child in a jail: emptying the pid
// namespace anywhere else would kill the host's processes.
int Serve(int fd, const std::function<int(const std::string&)>& run_case);

}  // namespace labkit::harness::session
