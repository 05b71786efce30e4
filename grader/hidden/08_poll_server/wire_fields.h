// How this lab's structs travel between the test process and the student
// process (grader/harness/wire.h): field by field, in this order.
#pragma once

#include <tuple>
#include <vector>

#include "grader/harness/wire.h"
#include "labs/08_poll_server/poll_server_lab.h"

namespace labkit::lab08 {

inline auto Fields(Answers& answers) {
  return std::tie(answers.consumed, answers.replies, answers.too_long);
}
inline auto Fields(Received& received) { return std::tie(received.bytes, received.closed); }
inline auto Fields(ServeStats& stats) { return std::tie(stats.clients, stats.lines); }

// ServerConfig holds a list of descriptors, which wire.h has no form for:
// its count, then each descriptor, then stop_fd. Found by ADL (Put) and
// through wire::Tag's argument (Take).
inline void Put(wire::Writer& out, const ServerConfig& config) {
  wire::Put(out, static_cast<uint64_t>(config.listen_fds.size()));
  for (int fd : config.listen_fds) wire::Put(out, fd);
  wire::Put(out, config.stop_fd);
}
// Each descriptor takes 8 bytes, so a hostile count still ends at the
// message's end.
inline ServerConfig Take(wire::Reader& in, wire::Tag<ServerConfig>) {
  ServerConfig config;
  for (uint64_t n = wire::Take<uint64_t>(in); n > 0; --n) {
    config.listen_fds.push_back(wire::Take<int>(in));
  }
  config.stop_fd = wire::Take<int>(in);
  return config;
}

}  // namespace labkit::lab08
