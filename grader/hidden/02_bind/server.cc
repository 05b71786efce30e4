// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/02_bind/bind_lab.h"

#include "grader/harness/call_server.h"

namespace labkit::lab02 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("BindInet", &BindInet);
  Serve("BoundPort", &BoundPort);
  Serve("BindInet6", &BindInet6);
  Serve("BindUnixPath", &BindUnixPath);
  Serve("BindUnixAbstract", &BindUnixAbstract);
  return true;
}();

}  // namespace
}  // namespace labkit::lab02
