// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/07_datagram/datagram_lab.h"

#include "grader/harness/call_server.h"
#include "grader/hidden/07_datagram/wire_fields.h"

namespace labkit::lab07 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("MakeEndpoint", &MakeEndpoint);
  Serve("OpenUdp", &OpenUdp);
  Serve("SendDatagram", &SendDatagram);
  Serve("RecvDatagram", &RecvDatagram);
  Serve("Echo", &Echo);
  Serve("ConnectUdp", &ConnectUdp);
  Serve("SendConnected", &SendConnected);
  Serve("UnixEndpoint", &UnixEndpoint);
  Serve("OpenUnixDatagram", &OpenUnixDatagram);
  return true;
}();

}  // namespace
}  // namespace labkit::lab07
