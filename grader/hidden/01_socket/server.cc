// The lab's functions as the student process serves them
// (grader/harness/call_server.h); linked into every student library.
#include "labs/01_socket/socket_lab.h"

#include "grader/harness/call_server.h"
#include "grader/hidden/01_socket/wire_fields.h"

namespace labkit::lab01 {
namespace {

using harness::server::Serve;

const bool registered = [] {
  Serve("DomainConstant", &DomainConstant);
  Serve("KindConstant", &KindConstant);
  Serve("OpenSocket", &OpenSocket);
  Serve("DescribeSocket", &DescribeSocket);
  Serve("CloseSocket", &CloseSocket);
  return true;
}();

}  // namespace
}  // namespace labkit::lab01
