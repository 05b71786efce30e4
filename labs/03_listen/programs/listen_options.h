// What listener (lab 03) and accept-server (lab 04) share: the options
// --ip IP, --port P and --unix PATH, and a socket listening there, made by
// your lab 03 functions.
#pragma once

#include <getopt.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "labs/03_listen/listen_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace labkit::programs {

// Where to listen.
struct ListenAt {
  std::string ip = "127.0.0.1";
  uint16_t port = 0;
  std::string unix_path;  // when set: AF_UNIX, and ip and port are unused
};

// getopt_long's entries for the three options.
inline constexpr option kIpOption{"ip", required_argument, nullptr, 'i'};
inline constexpr option kPortOption{"port", required_argument, nullptr, 'p'};
inline constexpr option kUnixOption{"unix", required_argument, nullptr, 'u'};

// Reads option `c`, as getopt_long returned it, into `at`; false when it is
// not one of the three.
inline bool TakeListenOption(int c, const char* usage, ListenAt& at) {
  if (c == kIpOption.val) at.ip = optarg;
  else if (c == kPortOption.val) at.port = ParsePort(usage, optarg);
  else if (c == kUnixOption.val) at.unix_path = optarg;
  else return false;
  return true;
}

// Listens at `at` with ListenUnix, ListenInet6 (an address with a ':') or
// ListenInet, then prints "listening on ADDRESS" and `suffix`: the line a
// script waits for. Ctrl-C then removes the socket file of --unix.
inline UniqueFd ListenAndSay(const ListenAt& at, int backlog, const std::string& suffix) {
  UniqueFd listener;
  if (!at.unix_path.empty()) {
    listener.reset(Must(lab03::ListenUnix(at.unix_path, backlog), steps::kListenUnix));
    RemoveOnExit(at.unix_path);
    std::printf("listening on unix:%s%s\n", at.unix_path.c_str(), suffix.c_str());
  } else {
    const bool v6 = at.ip.find(':') != std::string::npos;
    listener.reset(v6 ? Must(lab03::ListenInet6(at.ip, at.port, backlog), steps::kListenInet6)
                      : Must(lab03::ListenInet(at.ip, at.port, backlog), steps::kListenInet));
    const uint16_t port = Must(lab03::ListeningPort(listener.get()), steps::kListeningPort);
    std::printf(v6 ? "listening on [%s]:%u%s\n" : "listening on %s:%u%s\n", at.ip.c_str(), port,
                suffix.c_str());
  }
  std::fflush(stdout);
  return listener;
}

}  // namespace labkit::programs
