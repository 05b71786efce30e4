// client: connects to a server and copies stdin to it and what it answers to stdout.
//
// Built from your lab 05 (connect): ConnectNumeric or ConnectUnix makes the
// connection, PeerAddress names the server. After connect() the socket is a
// descriptor like a file's, so plain read() and write() move the bytes.
#include <poll.h>
#include <sys/socket.h>

#include <cstdio>
#include <string>

#include "labs/05_connect/connect_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"
#include "labs/common/unique_fd.h"

namespace {

using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 05 client HOST PORT\n"
    "       ./labkit run 05 client --unix PATH\n"
    "  HOST         a numeric address: 127.0.0.1, ::1 (names are never looked up)\n"
    "  --unix PATH  connect to an AF_UNIX stream server at PATH\n"
    "Copies stdin to the server and the server's answer to stdout. At the end of\n"
    "stdin it ends its half of the stream (shutdown) and waits for the server to\n"
    "end its own.\n";

// Writes all of data[0, size) to `fd`; false when the other end is gone.
bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string unix_path;
  const option options[] = {{"unix", required_argument, nullptr, 'u'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (c == 'u') unix_path = optarg;
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  const int operands = argc - optind;
  if (unix_path.empty() ? operands != 2 : operands != 0) {
    labkit::programs::UsageError(kUsage, unix_path.empty() ? "give HOST and PORT, or --unix PATH"
                                                           : "give --unix PATH or HOST PORT, not both");
  }
  ::signal(SIGPIPE, SIG_IGN);  // a server that has gone: write() fails with EPIPE

  labkit::UniqueFd server;
  if (unix_path.empty()) {
    const uint16_t port = labkit::programs::ParsePort(kUsage, argv[optind + 1]);
    const auto connected = labkit::lab05::ConnectNumeric(argv[optind], port);
    if (!connected.ok() && connected.error() == EINVAL) {
      std::fprintf(stderr, "'%s' is not a numeric address (127.0.0.1, ::1): ", argv[optind]);
    }
    server.reset(Must(connected, kConnectNumeric));
  } else {
    server.reset(Must(labkit::lab05::ConnectUnix(unix_path), kConnectUnix));
  }
  const std::string peer = Must(labkit::lab05::PeerAddress(server.get()), kPeerAddress);
  std::fprintf(stderr, "connected to %s\n", peer.c_str());

  // Both directions at once: a server may answer before stdin ends.
  pollfd ready[2] = {{STDIN_FILENO, POLLIN, 0}, {server.get(), POLLIN, 0}};
  char buffer[64 * 1024];
  while (true) {
    if (::poll(ready, 2, -1) < 0) continue;  // EINTR: wait again
    if (ready[0].revents) {
      const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (n > 0 && !WriteAll(server.get(), buffer, static_cast<size_t>(n))) {
        std::perror("write to the server");
        return 1;
      }
      if (n == 0 || (n < 0 && errno != EINTR)) {  // end of stdin
        ::shutdown(server.get(), SHUT_WR);  // the server reads its end of stream
        ready[0].fd = -1;                   // poll() skips it from now on
      }
    }
    if (ready[1].revents) {
      const ssize_t n = ::read(server.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::perror("read from the server");
        return 1;
      }
      if (n == 0) return 0;  // the server ended the stream
      if (!WriteAll(STDOUT_FILENO, buffer, static_cast<size_t>(n))) return 1;
    }
  }
}
