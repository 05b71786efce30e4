// Shared by this lab's public and hidden tests: how a SocketInfo looks in a
// transcript, and the kernel's own view of a socket to compare it with.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>

#include <string>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/show.h"
#include "grader/harness/test_sockets.h"
#include "labs/01_socket/socket_lab.h"

namespace labkit::lab01 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::As;
using harness::CountOpenFds;
using harness::Family;
using harness::RunCase;
using harness::Script;
using harness::SocketType;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

inline std::string Show(const SocketInfo& info) {
  return "{" + harness::FamilyName(info.domain) + ", " + harness::SocketTypeName(info.type) +
         ", protocol " + std::to_string(info.protocol) +
         (info.nonblocking ? ", nonblocking}" : ", blocking}");
}

// What the kernel says about fd, asked by the test itself.
inline SocketInfo KernelView(int fd) {
  return {harness::IntOption(fd, SOL_SOCKET, SO_DOMAIN),
          harness::IntOption(fd, SOL_SOCKET, SO_TYPE),
          harness::IntOption(fd, SOL_SOCKET, SO_PROTOCOL),
          (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0};
}

// Calls a mapping function of the code under test and compares its constant
// with `expected` by name: Family(AF_INET), SocketType(SOCK_STREAM).
template <typename Fn>
void ExpectConstant(harness::Script& s, const std::string& call,
                    harness::Named (*name)(int), int expected, Fn fn) {
  s.Expect(call, name(expected), name(s.Call(call, fn)));
}

}  // namespace labkit::lab01
