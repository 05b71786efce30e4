// The trusted half of a graded case: the test process.
//
// Under the grader, a case runs as two processes. This one runs the test
// body, its expectations, transcript and points, and holds nothing of the
// student's code. The student process runs only the lab's functions, under
// a small call server (call_server.h), loaded from the student's shared
// library after it became the case's unprivileged user.
//
// The two share one descriptor table (clone with CLONE_FILES), so a socket
// the test opens is the same number in the student's code, the lowest free
// descriptor is the same for both, and a leak shows in /proc/self/fd here.
// Memory, credentials and signals are not shared: the student process
// cannot read this one's memory, trace it or signal it, and nothing in its
// memory (copied at the start) is secret. Because it can use any
// descriptor, no descriptor of the report exists while it runs: records
// stay in memory and are written out once every process of the case's user
// is gone (script.h, KeepRecordsInMemory).
//
// The lab's header functions are defined, for the test binary, by stubs
// (grader/hidden/NN/stubs.cc) that forward each call with Call() below.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <tuple>

#include "grader/harness/wire.h"

namespace labkit::harness::remote {

// The split's own descriptors (its channels, the student process's pidfd)
// are numbered from here up, out of the way of those a test looks at.
inline constexpr int kFirstPrivateFd = 800;

// Whether this process is the test half of a split case.
bool Active();

// Starts the student process for one case, from the library named in the
// environment; the case ends as timed out if a call has not returned
// `timeout_ms` after this. Records go to memory from now on, and out at the
// end: into the out folder, or without one (a test binary run directly,
// not by the grader) to `report_fd`.
void StartStudentProcess(int timeout_ms, int report_fd = -1);

// Kills the student process and, as root, every process of the case's user.
void StopStudent();

// StopStudent, then reads the case's token from the out folder (only this
// process's user can read it).
std::string StopStudentAndReadToken();

// Sends one call and returns its answer's bytes; runs the callbacks the
// student's code calls meanwhile. Ends the case (never returns) if the
// student process dies, hangs past the case's deadline or answers nonsense.
std::string Exchange(const std::string& request);

// Calls the lab function `name` in the student process.
template <typename R, typename... A>
R Call(const char* name, const A&... args) {
  using wire::Put;  // unqualified below: overloads found where it is used count too
  wire::Writer request;
  Put(request, name);
  (Put(request, args), ...);
  const std::string answer = Exchange(request.bytes());
  wire::Reader in(answer);
  return wire::Take<R>(in);
}

// A function argument (a handler the student's code calls back) stays
// here: it travels as a number, and each call of it comes back as a
// message. Returns the number; valid until this thread's next Call.
int64_t KeepCallback(std::function<std::string(wire::Reader&)> callback);

// Where the calls of test thread `tid` run: the student process's thread
// serving it, once that thread has called the lab; else `tid` itself here.
struct ThreadRef {
  pid_t process;
  pid_t thread;
};
ThreadRef Serving(pid_t tid);

// How often the student process's SIGUSR1 handler has run.
int InterruptsHandledThere();

}  // namespace labkit::harness::remote

namespace labkit::wire {

template <typename R, typename... A>
void Put(Writer& out, const std::function<R(A...)>& function) {
  Put(out, harness::remote::KeepCallback([&function](Reader& in) {
    std::tuple<Stored<A>...> args{Take<Stored<A>>(in)...};
    Writer result;
    Put(result, std::apply(function, args));
    return result.bytes();
  }));
}

}  // namespace labkit::wire

// The body of a stub: forwards the call to the student process with the
// stub's own arguments, e.g.
//   SysResult<int> OpenSocket(int domain, int type, int protocol, bool nonblocking) {
//     LABKIT_FORWARD(OpenSocket, domain, type, protocol, nonblocking);
//   }
#define LABKIT_FORWARD(name, ...) \
  return ::labkit::harness::remote::Call<decltype(name(__VA_ARGS__))>(#name, __VA_ARGS__)
