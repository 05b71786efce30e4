// Shared by this lab's public and hidden tests: the harness names they use
// (the test's own sockets are grader/harness/test_sockets.h) and a check
// of what bind left on the filesystem.
#pragma once

#include <sys/socket.h>
#include <sys/stat.h>

#include <string>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/test_sockets.h"
#include "labs/02_bind/bind_lab.h"

namespace labkit::lab02 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::As;
using harness::LocalAddress;
using harness::LocalPort;
using harness::Named;
using harness::RunCase;
using harness::Script;
using harness::SwappedPortHint;
using harness::TestSocket;
using harness::UnixAddress;
using harness::UnixName;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

inline bool IsSocketFile(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

}  // namespace labkit::lab02
