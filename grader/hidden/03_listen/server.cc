// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/03_listen/listen_lab.h"

#include "grader/harness/call_server.h"

namespace labkit::lab03 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("ListenInet", &ListenInet);
  Serve("ListeningPort", &ListeningPort);
  Serve("ListenInet6", &ListenInet6);
  Serve("ListenUnix", &ListenUnix);
  return true;
}();

}  // namespace
}  // namespace labkit::lab03
