#include "grader/harness/call_server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <thread>

#include "grader/harness/call_recorder.h"
#include "grader/harness/channel.h"

namespace labkit::harness::server {
namespace {

std::map<std::string, Handler>& Functions() {
  static std::map<std::string, Handler> functions;
  return functions;
}

thread_local int serving_fd = -1;

// The calls recorded since the last message, then the recorder restarted.
wire::Writer CallsSoFar() {
  wire::Writer out;
  wire::Put(out, CallsOfLastStep());
  StartRecording(-1);
  return out;
}

void Answer(char kind, wire::Writer out, const std::string& body) {
  out.Bytes(body.data(), body.size());
  if (!channel::Send(serving_fd, kind, out.bytes())) ::_exit(0);  // the test is gone
}

// One call: the test's descriptor limit and working folder, the function's
// name, then its arguments.
void RunCall(const std::string& payload) {
  wire::Reader in(payload);
  const uint64_t files = wire::Take<uint64_t>(in);
  const std::string cwd = wire::Take<std::string>(in);
  const std::string name = wire::Take<std::string>(in);
  if (!cwd.empty()) (void)!::chdir(cwd.c_str());
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur != files) {
    limit.rlim_cur = files;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  auto found = Functions().find(name);
  if (found == Functions().end()) ::_exit(3);  // the test process reports the exit
  wire::Writer result;
  // errno carries over from one call of the lab to the next, as it would in
  // the student's own program: the serving code between calls must not
  // reset it (code that reads a stale errno behaves here as it would there).
  static thread_local int carried_errno = 0;
  StartRecording(-1);
  errno = carried_errno;
  found->second(in, result);
  carried_errno = errno;
  wire::Writer calls = CallsSoFar();
  StopRecording();
  Answer('R', std::move(calls), result.bytes());
}

void ServeChannel(int fd) {
  serving_fd = fd;
  wire::Writer hello;
  wire::Put(hello, ::gettid());
  if (!channel::Send(fd, 'H', hello.bytes())) return;
  channel::Message message;
  while (channel::Receive(fd, message) == channel::Received::kMessage && message.kind == 'Q') {
    RunCall(message.payload);
  }
}

}  // namespace

void Add(const char* name, Handler handler) { Functions()[name] = std::move(handler); }

std::string CallBack(int64_t id, const std::string& arguments) {
  wire::Writer call = CallsSoFar();
  wire::Put(call, id);
  Answer('C', std::move(call), arguments);
  // The test may call the lab again from inside its function: serve that
  // call here, then go on waiting for the answer.
  channel::Message message;
  while (channel::Receive(serving_fd, message) == channel::Received::kMessage) {
    if (message.kind == 'A') {
      StartRecording(-1);
      return message.payload;
    }
    if (message.kind != 'Q') break;
    RunCall(message.payload);
  }
  ::_exit(0);
}

}  // namespace labkit::harness::server

extern "C" int labkit_serve(int control_fd) {
  using namespace labkit::harness;
  channel::Message message;
  while (channel::Receive(control_fd, message) == channel::Received::kMessage &&
         message.kind == 'N') {
    labkit::wire::Reader in(message.payload);
    const int fd = labkit::wire::Take<int>(in);
    std::thread(server::ServeChannel, fd).detach();
  }
  return 0;
}
