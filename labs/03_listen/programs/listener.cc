// listener: listens and never accepts, so you can watch the kernel queue connections.
//
// Built from your lab 03 (listen): ListenInet, ListenInet6 or ListenUnix with
// the backlog you choose. Clients connect (the kernel completes the handshake)
// and wait in the queue: `ss -ltn` shows it. Ctrl-C stops it.
#include <climits>
#include <cstdio>
#include <string>

#include "labs/03_listen/listen_lab.h"
#include "labs/03_listen/programs/listen_options.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

constexpr char kUsage[] =
    "usage: ./labkit run 03 listener [--ip IP] [--port P] [--backlog N]\n"
    "       ./labkit run 03 listener --unix PATH [--backlog N]\n"
    "  --ip IP      listen on this numeric address (default 127.0.0.1; ::1, ::, 0.0.0.0...)\n"
    "  --port P     the port (default 0: a free one, printed)\n"
    "  --unix PATH  listen on an AF_UNIX path instead\n"
    "  --backlog N  passed to listen() as it is (default 1)\n"
    "Prints 'listening on ...' once ready, then waits without accepting.\n";

}  // namespace

int main(int argc, char** argv) {
  labkit::programs::ListenAt at;
  int backlog = 1;
  const option options[] = {labkit::programs::kIpOption,
                            labkit::programs::kPortOption,
                            labkit::programs::kUnixOption,
                            {"backlog", required_argument, nullptr, 'b'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (labkit::programs::TakeListenOption(c, kUsage, at)) continue;
    if (c == 'b') backlog = labkit::programs::ParseNumber(kUsage, "backlog", optarg, INT_MIN, INT_MAX);
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  if (optind != argc) labkit::programs::UsageError(kUsage, std::string("unexpected '") + argv[optind] + "'");

  const labkit::UniqueFd listener =
      labkit::programs::ListenAndSay(at, backlog, " (backlog " + std::to_string(backlog) + ")");
  while (true) ::pause();  // until a signal ends the program
}
