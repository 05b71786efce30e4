// accept-server: accepts each client, prints its address and tells it that address.
//
// Built from your labs 03 (listen) and 04 (accept): ServeClients takes the
// clients one after another and hands each to a handler that prints the
// peer AcceptWithPeer found, writes "you are PEER" to the client and returns
// (ServeClients then closes the client's socket).
#include <cstdio>
#include <string>

#include "labs/03_listen/listen_lab.h"
#include "labs/04_accept/accept_lab.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using labkit::programs::LabStep;
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 04 accept-server [--ip IP] [--port P] [--count N]\n"
    "       ./labkit run 04 accept-server --unix PATH [--count N]\n"
    "  --ip IP      listen on this numeric address (default 127.0.0.1; :: is dual stack)\n"
    "  --port P     the port (default 0: a free one, printed)\n"
    "  --unix PATH  listen on an AF_UNIX path instead\n"
    "  --count N    stop after N clients (default: serve until Ctrl-C)\n"
    "Prints 'listening on ...' once ready, then one line per client.\n";

constexpr LabStep kListenInet{"ListenInet", "labs/03_listen/listen_lab.cc", 1};
constexpr LabStep kListeningPort{"ListeningPort", "labs/03_listen/listen_lab.cc", 2};
constexpr LabStep kListenInet6{"ListenInet6", "labs/03_listen/listen_lab.cc", 3};
constexpr LabStep kListenUnix{"ListenUnix", "labs/03_listen/listen_lab.cc", 4};
constexpr LabStep kServeClients{"ServeClients", "labs/04_accept/accept_lab.cc", 4};

int served = 0;

// Called by your ServeClients for each client it accepted.
labkit::Status Greet(const labkit::lab04::Accepted& client) {
  std::printf("client %d: %s\n", ++served, client.peer.c_str());
  std::fflush(stdout);
  const std::string greeting = "you are " + client.peer + "\n";
  if (::write(client.fd, greeting.data(), greeting.size()) < 0) return labkit::Status::FromErrno();
  return labkit::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string ip = "127.0.0.1", unix_path;
  uint16_t port = 0;
  int count = 0;
  const option options[] = {{"ip", required_argument, nullptr, 'i'},
                            {"port", required_argument, nullptr, 'p'},
                            {"unix", required_argument, nullptr, 'u'},
                            {"count", required_argument, nullptr, 'c'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (c == 'i') ip = optarg;
    else if (c == 'p') port = labkit::programs::ParsePort(kUsage, optarg);
    else if (c == 'u') unix_path = optarg;
    else if (c == 'c') count = std::atoi(optarg);
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  if (optind != argc) labkit::programs::UsageError(kUsage, std::string("unexpected '") + argv[optind] + "'");
  ::signal(SIGPIPE, SIG_IGN);  // a client that left before its greeting

  labkit::UniqueFd listener;
  if (!unix_path.empty()) {
    listener.reset(Must(labkit::lab03::ListenUnix(unix_path, 16), kListenUnix));
    labkit::programs::RemoveOnExit(unix_path);
    std::printf("listening on unix:%s\n", unix_path.c_str());
  } else {
    const bool v6 = ip.find(':') != std::string::npos;
    listener.reset(v6 ? Must(labkit::lab03::ListenInet6(ip, port, 16), kListenInet6)
                      : Must(labkit::lab03::ListenInet(ip, port, 16), kListenInet));
    const uint16_t chosen = Must(labkit::lab03::ListeningPort(listener.get()), kListeningPort);
    std::printf(v6 ? "listening on [%s]:%u\n" : "listening on %s:%u\n", ip.c_str(), chosen);
  }
  std::fflush(stdout);

  const int clients = count > 0 ? count : 1 << 30;
  const int greeted = Must(labkit::lab04::ServeClients(listener.get(), clients, Greet), kServeClients);
  std::fprintf(stderr, "served %d clients\n", greeted);
}
