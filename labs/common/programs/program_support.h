// Shared by the labs' programs (`./labkit run LAB PROGRAM`): each one is a
// thin main() around your lab functions, so that you can talk to your own
// code with nc, socat or Python. Nothing here does a lab's work.
#pragma once

#include <getopt.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <climits>
#include <cstring>
#include <string>

#include "labs/common/sys_result.h"

namespace labkit::programs {

// Where a lab function lives, for the message when it fails.
struct LabStep {
  const char* function;  // "ListenInet"
  const char* file;      // "labs/03_listen/listen_lab.cc"
  int step;              // the TODO(step N) that writes it
};

// "EADDRINUSE (Address already in use)".
inline std::string DescribeErrno(int error) {
  const char* name = strerrorname_np(error);
  return std::string(name ? name : "errno " + std::to_string(error)) + " (" +
         std::strerror(error) + ")";
}

// Prints why `where` failed and exits with status 1. ENOSYS is what the
// skeletons return: that step is still a TODO.
[[noreturn]] inline void Fail(const LabStep& where, int error) {
  std::fprintf(stderr, "%s failed: %s", where.function, DescribeErrno(error).c_str());
  if (error == ENOSYS) {
    std::fprintf(stderr, ": finish step %d in %s first", where.step, where.file);
  }
  std::fprintf(stderr, "\n");
  std::exit(1);
}

// Reports a failure that ends one connection or one datagram, not the
// program; a step still to write (ENOSYS) ends the program.
inline void Complain(const LabStep& where, int error) {
  if (error == ENOSYS) Fail(where, error);
  std::fprintf(stderr, "%s failed: %s\n", where.function, DescribeErrno(error).c_str());
}

// The value of a lab call that must succeed; otherwise Fail().
template <typename T>
T Must(const SysResult<T>& result, const LabStep& where) {
  if (!result.ok()) Fail(where, result.error());
  return result.value();
}

// Prints a usage error (and the usage) and exits with status 2. getopt_long
// has said what is wrong with an option already: `problem` is "" then.
[[noreturn]] inline void UsageError(const char* usage, const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "%s\n", problem.c_str());
  std::fprintf(stderr, "%s", usage);
  std::exit(2);
}

// A whole number from the command line for option --`name`, from `least` to
// `most`, digits only: atoi would read "abc" or "" as 0 and go on with it.
inline int ParseNumber(const char* usage, const char* name, const char* text, int least,
                       int most) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || errno != 0 || value < least || value > most) {
    UsageError(usage, std::string("--") + name + " takes a whole number from " +
                          std::to_string(least) + " to " + std::to_string(most) + ", not '" +
                          text + "'");
  }
  return static_cast<int>(value);
}

// A port from the command line: 0 to 65535.
inline uint16_t ParsePort(const char* usage, const char* text) {
  return static_cast<uint16_t>(ParseNumber(usage, "port", text, 0, 65535));
}

// The options of the servers that take only --port P, --unix PATH and
// --help (--help prints `usage` and exits 0; anything else is a usage error).
struct PortOrPath {
  int port = -1;          // -1: not given
  std::string unix_path;  // "": not given
};
inline PortOrPath ParsePortOrPath(int argc, char** argv, const char* usage) {
  PortOrPath given;
  const option options[] = {{"port", required_argument, nullptr, 'p'},
                            {"unix", required_argument, nullptr, 'u'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (c == 'p') given.port = ParsePort(usage, optarg);
    else if (c == 'u') given.unix_path = optarg;
    else if (c == 'h') std::printf("%s", usage), std::exit(0);
    else UsageError(usage, "");
  }
  if (optind != argc) UsageError(usage, std::string("unexpected '") + argv[optind] + "'");
  return given;
}

// A socket file the program made: removed when Ctrl-C (or kill) stops it,
// so the next run finds the path free.
inline char g_socket_file[128];
inline void RemoveSocketFileAndExit(int signal_number) {
  if (g_socket_file[0] != '\0') ::unlink(g_socket_file);
  ::_exit(128 + signal_number);
}
inline void RemoveOnExit(const std::string& path) {
  std::snprintf(g_socket_file, sizeof g_socket_file, "%s", path.c_str());
  struct sigaction action {};
  action.sa_handler = RemoveSocketFileAndExit;
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
}

}  // namespace labkit::programs
