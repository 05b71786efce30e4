// How this lab's structs travel between the test process and the student
// process (grader/harness/wire.h): field by field, in this order.
#pragma once

#include <tuple>

#include "labs/06_send_recv/send_recv_lab.h"

namespace labkit::lab06 {

inline auto Fields(Received& received) {
  return std::tie(received.data, received.address_length);
}

}  // namespace labkit::lab06
