// How this lab's structs travel between the test process and the student
// process (grader/harness/wire.h): field by field, in this order.
#pragma once

#include <tuple>

#include "labs/07_datagram/datagram_lab.h"

namespace labkit::lab07 {

inline auto Fields(Endpoint& endpoint) { return std::tie(endpoint.address, endpoint.length); }
inline auto Fields(Datagram& datagram) {
  return std::tie(datagram.payload, datagram.from, datagram.full_length, datagram.truncated);
}

}  // namespace labkit::lab07
