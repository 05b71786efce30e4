// line-server: answers each line with its length and the line reversed, for many clients at once.
//
// Built from your labs 03 (listen) and 08 (poll): it listens on 127.0.0.1
// (and an AF_UNIX path with --unix) and runs your RunServer until Ctrl-C,
// whose handler writes a byte to the stop pipe: the self-pipe trick.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "labs/03_listen/listen_lab.h"
#include "labs/08_poll_server/poll_server_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using labkit::UniqueFd;
using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 08 line-server [--port P] [--unix PATH]\n"
    "  --port P     listen on 127.0.0.1:P (default 0: a free port, printed)\n"
    "  --unix PATH  listen on this AF_UNIX path too\n"
    "Prints 'listening on ...' once ready; each line a client sends is answered\n"
    "\"LENGTH REVERSED\". Ctrl-C stops it, through the stop pipe.\n";

int stop_write_end = -1;

// Async-signal-safe: one write() to the pipe RunServer watches.
void RequestStop(int) { (void)!::write(stop_write_end, "x", 1); }

}  // namespace

int main(int argc, char** argv) {
  const auto [given_port, unix_path] = labkit::programs::ParsePortOrPath(argc, argv, kUsage);
  const uint16_t port = static_cast<uint16_t>(given_port < 0 ? 0 : given_port);

  std::vector<UniqueFd> listeners;
  listeners.emplace_back(Must(labkit::lab03::ListenInet("127.0.0.1", port, 64), kListenInet));
  const uint16_t chosen = Must(labkit::lab03::ListeningPort(listeners[0].get()), kListeningPort);
  std::string where = "127.0.0.1:" + std::to_string(chosen);
  if (!unix_path.empty()) {
    listeners.emplace_back(Must(labkit::lab03::ListenUnix(unix_path, 64), kListenUnix));
    where += " and unix:" + unix_path;
  }
  int stop[2];
  if (::pipe(stop) != 0) return std::perror("pipe"), 1;
  stop_write_end = stop[1];
  struct sigaction action {};
  action.sa_handler = RequestStop;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  std::printf("listening on %s\n", where.c_str());
  std::fflush(stdout);

  labkit::lab08::ServerConfig config;
  for (const UniqueFd& listener : listeners) config.listen_fds.push_back(listener.get());
  config.stop_fd = stop[0];
  const labkit::lab08::ServeStats stats = Must(labkit::lab08::RunServer(config), kRunServer);
  if (!unix_path.empty()) ::unlink(unix_path.c_str());
  std::fprintf(stderr, "stopped: %d clients, %d lines answered\n", stats.clients, stats.lines);
}
