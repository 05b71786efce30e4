// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/08_poll_server/poll_server_lab.h"

#include "grader/harness/call_server.h"
#include "grader/hidden/08_poll_server/wire_fields.h"

namespace labkit::lab08 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("SetNonBlocking", &SetNonBlocking);
  Serve("AnswerLines", &AnswerLines);
  Serve("AcceptClient", &AcceptClient);
  Serve("ReadAvailable", &ReadAvailable);
  Serve("SendAvailable", &SendAvailable);
  Serve("RunServer", &RunServer);
  return true;
}();

}  // namespace
}  // namespace labkit::lab08
