// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/06_send_recv/send_recv_lab.h"

#include "grader/harness/call_server.h"
#include "grader/hidden/06_send_recv/wire_fields.h"

namespace labkit::lab06 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("SendAll", &SendAll);
  Serve("RecvExact", &RecvExact);
  Serve("RecvUntilEof", &RecvUntilEof);
  Serve("Peek", &Peek);
  Serve("SendUrgent", &SendUrgent);
  Serve("RecvUrgent", &RecvUrgent);
  Serve("AtUrgentMark", &AtUrgentMark);
  Serve("SendDontRoute", &SendDontRoute);
  Serve("SendToConnected", &SendToConnected);
  Serve("RecvFromConnected", &RecvFromConnected);
  return true;
}();

}  // namespace
}  // namespace labkit::lab06
