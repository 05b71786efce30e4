// Helpers shared by this lab's hidden test files.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>
#include <string>

#include "grader/harness/script.h"
#include "labs/07_datagram/test_support.h"

namespace labkit::lab07 {

// Bytes that differ from one position to the next, so a cut or shifted
// payload never compares equal.
inline std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return bytes;
}

// An AF_UNIX datagram socket of the test's own, bound to `path`.
inline int TestUnix(harness::Script& s, const std::string& name, const std::string& path) {
  int fd = TestSocket(s, AF_UNIX, SOCK_DGRAM, {.name = name});
  sockaddr_un address;
  socklen_t length = UnixAddress(path, UnixName::kPath, address);
  s.Sys("bind(" + name + ", \"" + path + "\")",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  return fd;
}

}  // namespace labkit::lab07
