// echo-server: sends every byte of each connection back, until the client ends it.
//
// Built from your labs 03 (listen), 04 (accept) and 06 (send/recv): it listens
// on 127.0.0.1 and ::1 (and an AF_UNIX path with --unix), takes one client
// at a time, and echoes with your Peek, RecvExact and SendAll.
#include <poll.h>

#include <cstdio>
#include <string>
#include <vector>

#include "labs/03_listen/listen_lab.h"
#include "labs/04_accept/accept_lab.h"
#include "labs/06_send_recv/send_recv_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using labkit::UniqueFd;
using labkit::programs::Complain;
using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 06 echo-server [--port P] [--unix PATH]\n"
    "  --port P     listen on 127.0.0.1:P and [::1]:P (default 0: a free port, printed)\n"
    "  --unix PATH  listen on this AF_UNIX path too (only there, without --port)\n"
    "Prints 'listening on ...' once ready, then echoes each client until it ends\n"
    "the stream. Ctrl-C stops it.\n";

constexpr int kBacklog = 16;
constexpr size_t kChunk = 64 * 1024;

// Echoes one client: Peek waits for bytes, RecvExact takes exactly those,
// SendAll sends them back. Peek returns "" at the end of the stream.
void Echo(int fd, const std::string& peer) {
  size_t total = 0;
  while (true) {
    const auto peeked = labkit::lab06::Peek(fd, kChunk);
    if (!peeked.ok()) return Complain(kPeek, peeked.error());
    if (peeked.value().empty()) break;
    const auto taken = labkit::lab06::RecvExact(fd, peeked.value().size());
    if (!taken.ok()) return Complain(kRecvExact, taken.error());
    const auto sent = labkit::lab06::SendAll(fd, taken.value());
    if (!sent.ok()) return Complain(kSendAll, sent.error());
    total += taken.value().size();
  }
  std::fprintf(stderr, "%s ended the stream; echoed %zu bytes\n", peer.c_str(), total);
}

// 127.0.0.1 and ::1 on one port. Port 0 lets the kernel pick it for IPv4;
// if that port is taken on ::1, try another.
std::vector<UniqueFd> ListenOnLoopback(uint16_t port) {
  for (int attempt = 0;; ++attempt) {
    UniqueFd inet(Must(labkit::lab03::ListenInet("127.0.0.1", port, kBacklog), kListenInet));
    const uint16_t chosen = Must(labkit::lab03::ListeningPort(inet.get()), kListeningPort);
    const auto inet6 = labkit::lab03::ListenInet6("::1", chosen, kBacklog);
    if (inet6.ok()) {
      std::vector<UniqueFd> listeners;
      listeners.push_back(std::move(inet));
      listeners.emplace_back(inet6.value());
      return listeners;
    }
    if (port != 0 || inet6.error() != EADDRINUSE || attempt == 10) {
      labkit::programs::Fail(kListenInet6, inet6.error());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto [port, unix_path] = labkit::programs::ParsePortOrPath(argc, argv, kUsage);
  ::signal(SIGPIPE, SIG_IGN);  // SendAll passes MSG_NOSIGNAL; this is for a SendAll that forgets

  std::vector<UniqueFd> listeners;
  std::string where;
  if (port >= 0 || unix_path.empty()) {
    listeners = ListenOnLoopback(static_cast<uint16_t>(port < 0 ? 0 : port));
    const uint16_t chosen = Must(labkit::lab03::ListeningPort(listeners[0].get()), kListeningPort);
    where = "127.0.0.1:" + std::to_string(chosen) + " and [::1]:" + std::to_string(chosen);
  }
  if (!unix_path.empty()) {
    listeners.emplace_back(Must(labkit::lab03::ListenUnix(unix_path, kBacklog), kListenUnix));
    labkit::programs::RemoveOnExit(unix_path);
    where += (where.empty() ? "" : " and ") + std::string("unix:") + unix_path;
  }
  std::printf("listening on %s\n", where.c_str());
  std::fflush(stdout);

  std::vector<pollfd> ready;
  for (const UniqueFd& listener : listeners) ready.push_back({listener.get(), POLLIN, 0});
  while (true) {
    if (::poll(ready.data(), ready.size(), -1) < 0) continue;  // EINTR: wait again
    for (const pollfd& listener : ready) {
      if (!(listener.revents & POLLIN)) continue;
      const auto client = labkit::lab04::AcceptWithPeer(listener.fd);
      if (!client.ok()) {
        Complain(kAcceptWithPeer, client.error());
        continue;
      }
      UniqueFd connection(client.value().fd);
      std::fprintf(stderr, "%s connected\n", client.value().peer.c_str());
      Echo(connection.get(), client.value().peer);
    }
  }
}
