// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/05_connect/connect_lab.h"

#include "grader/harness/call_server.h"

namespace labkit::lab05 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("ConnectInet", &ConnectInet);
  Serve("PeerAddress", &PeerAddress);
  Serve("ConnectInet6", &ConnectInet6);
  Serve("ConnectUnix", &ConnectUnix);
  Serve("ConnectNumeric", &ConnectNumeric);
  return true;
}();

}  // namespace
}  // namespace labkit::lab05
