// Shared by this lab's public and hidden tests: the test's own sockets and
// AF_UNIX addresses, made without the code under test.
#pragma once

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "labs/02_bind/bind_lab.h"

namespace labkit::lab02 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::LocalAddress;
using harness::LocalPort;
using harness::Named;
using harness::RunCase;
using harness::Script;

// A socket the test creates itself, recorded as a step.
inline int TestSocket(harness::Script& s, int family, int type) {
  return s.Sys("socket(" + harness::FamilyName(family) + ", " + harness::SocketTypeName(type) +
                   ", 0)",
               ::socket(family, type, 0));
}

// An AF_UNIX address for a path, or for an abstract name when `abstract`.
inline socklen_t UnixAddress(const std::string& name, bool abstract, sockaddr_un& out) {
  out = {};
  out.sun_family = AF_UNIX;
  std::memcpy(out.sun_path + (abstract ? 1 : 0), name.data(), name.size());
  return offsetof(sockaddr_un, sun_path) + (abstract ? 1 : 0) + name.size() + (abstract ? 0 : 1);
}

inline bool IsSocketFile(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

// The hint for a port that came back wrong: a swapped one means no htons.
inline std::string PortHint(uint16_t wanted) {
  uint16_t swapped = static_cast<uint16_t>((wanted >> 8) | (wanted << 8));
  return "if the port you see is " + std::to_string(swapped) + ", that is " +
         std::to_string(wanted) + " with its two bytes swapped: convert it with htons()";
}

}  // namespace labkit::lab02
