// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/04_accept/accept_lab.h"

#include "grader/harness/call_server.h"
#include "grader/hidden/04_accept/wire_fields.h"

namespace labkit::lab04 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("FormatPeer", &FormatPeer);
  Serve("AcceptWithPeer", &AcceptWithPeer);
  Serve("AcceptAnonymous", &AcceptAnonymous);
  Serve("ServeClients", &ServeClients);
  return true;
}();

}  // namespace
}  // namespace labkit::lab04
