// listener: listens and never accepts, so you can watch the kernel queue connections.
//
// Built from your lab 03 (listen): ListenInet, ListenInet6 or ListenUnix with
// the backlog you choose. Clients connect (the kernel completes the handshake)
// and wait in the queue: `ss -ltn` shows it. Ctrl-C stops it.
#include <cstdio>
#include <string>

#include "labs/03_listen/listen_lab.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using labkit::programs::LabStep;
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 03 listener [--ip IP] [--port P] [--backlog N]\n"
    "       ./labkit run 03 listener --unix PATH [--backlog N]\n"
    "  --ip IP      listen on this numeric address (default 127.0.0.1; ::1, ::, 0.0.0.0...)\n"
    "  --port P     the port (default 0: a free one, printed)\n"
    "  --unix PATH  listen on an AF_UNIX path instead\n"
    "  --backlog N  passed to listen() as it is (default 1)\n"
    "Prints 'listening on ...' once ready, then waits without accepting.\n";

constexpr LabStep kListenInet{"ListenInet", "labs/03_listen/listen_lab.cc", 1};
constexpr LabStep kListeningPort{"ListeningPort", "labs/03_listen/listen_lab.cc", 2};
constexpr LabStep kListenInet6{"ListenInet6", "labs/03_listen/listen_lab.cc", 3};
constexpr LabStep kListenUnix{"ListenUnix", "labs/03_listen/listen_lab.cc", 4};

}  // namespace

int main(int argc, char** argv) {
  std::string ip = "127.0.0.1", unix_path;
  uint16_t port = 0;
  int backlog = 1;
  const option options[] = {{"ip", required_argument, nullptr, 'i'},
                            {"port", required_argument, nullptr, 'p'},
                            {"unix", required_argument, nullptr, 'u'},
                            {"backlog", required_argument, nullptr, 'b'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (c == 'i') ip = optarg;
    else if (c == 'p') port = labkit::programs::ParsePort(kUsage, optarg);
    else if (c == 'u') unix_path = optarg;
    else if (c == 'b') backlog = std::atoi(optarg);
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  if (optind != argc) labkit::programs::UsageError(kUsage, std::string("unexpected '") + argv[optind] + "'");

  labkit::UniqueFd listener;
  if (!unix_path.empty()) {
    listener.reset(Must(labkit::lab03::ListenUnix(unix_path, backlog), kListenUnix));
    labkit::programs::RemoveOnExit(unix_path);
    std::printf("listening on unix:%s (backlog %d)\n", unix_path.c_str(), backlog);
  } else {
    const bool v6 = ip.find(':') != std::string::npos;
    listener.reset(v6 ? Must(labkit::lab03::ListenInet6(ip, port, backlog), kListenInet6)
                      : Must(labkit::lab03::ListenInet(ip, port, backlog), kListenInet));
    const uint16_t chosen = Must(labkit::lab03::ListeningPort(listener.get()), kListeningPort);
    std::printf(v6 ? "listening on [%s]:%u (backlog %d)\n" : "listening on %s:%u (backlog %d)\n",
                ip.c_str(), chosen, backlog);
  }
  std::fflush(stdout);
  while (true) ::pause();  // until a signal ends the program
}
