// accept-server: accepts each client, prints its address and tells it that address.
//
// Built from your labs 03 (listen) and 04 (accept): ServeClients takes the
// clients one after another and hands each to a handler that prints the
// peer AcceptWithPeer found, writes "you are PEER" to the client and returns
// (ServeClients then closes the client's socket).
#include <climits>
#include <cstdio>
#include <string>

#include "labs/03_listen/listen_lab.h"
#include "labs/03_listen/programs/listen_options.h"
#include "labs/04_accept/accept_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 04 accept-server [--ip IP] [--port P] [--count N]\n"
    "       ./labkit run 04 accept-server --unix PATH [--count N]\n"
    "  --ip IP      listen on this numeric address (default 127.0.0.1; :: is dual stack)\n"
    "  --port P     the port (default 0: a free one, printed)\n"
    "  --unix PATH  listen on an AF_UNIX path instead\n"
    "  --count N    stop after N clients (default: serve until Ctrl-C)\n"
    "Prints 'listening on ...' once ready, then one line per client.\n";

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
  labkit::programs::ListenAt at;
  int count = 0;
  const option options[] = {labkit::programs::kIpOption,
                            labkit::programs::kPortOption,
                            labkit::programs::kUnixOption,
                            {"count", required_argument, nullptr, 'c'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (labkit::programs::TakeListenOption(c, kUsage, at)) continue;
    if (c == 'c') count = labkit::programs::ParseNumber(kUsage, "count", optarg, 1, INT_MAX);
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  if (optind != argc) labkit::programs::UsageError(kUsage, std::string("unexpected '") + argv[optind] + "'");
  ::signal(SIGPIPE, SIG_IGN);  // a client that left before its greeting

  const labkit::UniqueFd listener = labkit::programs::ListenAndSay(at, 16, "");

  const int clients = count > 0 ? count : 1 << 30;
  const int greeted = Must(labkit::lab04::ServeClients(listener.get(), clients, Greet), kServeClients);
  std::fprintf(stderr, "served %d clients\n", greeted);
}
