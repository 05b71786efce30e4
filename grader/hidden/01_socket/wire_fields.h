// How this lab's structs travel between the test process and the student
// process (grader/harness/wire.h): field by field, in this order.
#pragma once

#include <tuple>

#include "labs/01_socket/socket_lab.h"

namespace labkit::lab01 {

inline auto Fields(SocketInfo& info) {
  return std::tie(info.domain, info.type, info.protocol, info.nonblocking);
}

}  // namespace labkit::lab01
