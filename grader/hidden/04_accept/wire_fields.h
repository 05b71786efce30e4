// How this lab's structs travel between the test process and the student
// process (grader/harness/wire.h): field by field, in this order.
#pragma once

#include <tuple>

#include "labs/04_accept/accept_lab.h"

namespace labkit::lab04 {

inline auto Fields(Accepted& accepted) { return std::tie(accepted.fd, accepted.peer); }

}  // namespace labkit::lab04
