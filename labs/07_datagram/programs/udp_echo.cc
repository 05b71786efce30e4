// udp-echo: sends every datagram back to its sender, over IPv4, IPv6 and AF_UNIX.
//
// Built from your lab 07 (datagrams): OpenUdp on 127.0.0.1 and ::1 (one port,
// read back with your lab 02's BoundPort), OpenUnixDatagram with --unix, and
// your Echo for each datagram that arrives.
#include <poll.h>

#include <cstdio>
#include <string>
#include <vector>

#include "labs/02_bind/bind_lab.h"
#include "labs/07_datagram/datagram_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using labkit::UniqueFd;
using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 07 udp-echo [--port P] [--unix PATH]\n"
    "  --port P     receive on 127.0.0.1:P and [::1]:P (default 0: a free port, printed)\n"
    "  --unix PATH  receive on this AF_UNIX datagram socket too (only there, without\n"
    "               --port); the path must be free, and Ctrl-C removes it\n"
    "Prints 'listening on ...' once ready, then sends each datagram back to where it\n"
    "came from. Ctrl-C stops it.\n";

// 127.0.0.1 and ::1 on one port. Port 0 lets the kernel pick it for IPv4;
// if that port is taken on ::1, try another.
std::vector<UniqueFd> OpenOnLoopback(uint16_t port) {
  for (int attempt = 0;; ++attempt) {
    UniqueFd inet(Must(labkit::lab07::OpenUdp("127.0.0.1", port), kOpenUdp));
    const uint16_t chosen = Must(labkit::lab02::BoundPort(inet.get()), kBoundPort);
    const auto inet6 = labkit::lab07::OpenUdp("::1", chosen);
    if (inet6.ok()) {
      std::vector<UniqueFd> sockets;
      sockets.push_back(std::move(inet));
      sockets.emplace_back(inet6.value());
      return sockets;
    }
    if (port != 0 || inet6.error() != EADDRINUSE || attempt == 10) {
      labkit::programs::Fail(kOpenUdp, inet6.error());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto [port, unix_path] = labkit::programs::ParsePortOrPath(argc, argv, kUsage);

  std::vector<UniqueFd> sockets;
  std::string where;
  if (port >= 0 || unix_path.empty()) {
    sockets = OpenOnLoopback(static_cast<uint16_t>(port < 0 ? 0 : port));
    const uint16_t chosen = Must(labkit::lab02::BoundPort(sockets[0].get()), kBoundPort);
    where = "127.0.0.1:" + std::to_string(chosen) + " and [::1]:" + std::to_string(chosen);
  }
  if (!unix_path.empty()) {
    sockets.emplace_back(Must(labkit::lab07::OpenUnixDatagram(unix_path), kOpenUnixDatagram));
    labkit::programs::RemoveOnExit(unix_path);
    where += (where.empty() ? "" : " and ") + std::string("unix:") + unix_path;
  }
  std::printf("listening on %s\n", where.c_str());
  std::fflush(stdout);

  std::vector<pollfd> ready;
  for (const UniqueFd& socket : sockets) ready.push_back({socket.get(), POLLIN, 0});
  while (true) {
    if (::poll(ready.data(), ready.size(), -1) < 0) continue;  // EINTR: wait again
    for (const pollfd& socket : ready) {
      if (!(socket.revents & POLLIN)) continue;
      // One datagram: a sender nobody can answer (an unbound AF_UNIX one)
      // costs that datagram only.
      const auto echoed = labkit::lab07::Echo(socket.fd, 1);
      if (!echoed.ok()) labkit::programs::Complain(kEcho, echoed.error());
    }
  }
}
