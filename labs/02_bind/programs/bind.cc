// bind: binds a socket, prints the address it got and holds it, so other programs find it taken.
//
// Built from your labs 01 (socket) and 02 (bind): OpenSocket makes the
// socket, BindInet, BindInet6, BindUnixPath or BindUnixAbstract binds it,
// and BoundPort reads the port back. It never listens: a TCP client is
// refused, and a second bind of the same address fails. Ctrl-C stops it.
#include <sys/socket.h>

#include <cstdio>
#include <string>

#include "labs/01_socket/socket_lab.h"
#include "labs/02_bind/bind_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"

namespace {

using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 02 bind [--ip IP] [--port P] [--udp]\n"
    "       ./labkit run 02 bind --unix PATH [--udp]\n"
    "       ./labkit run 02 bind --abstract NAME [--udp]\n"
    "  --ip IP          a numeric IPv4 or IPv6 address (default 127.0.0.1)\n"
    "  --port P         the port (default 0: a free one, printed)\n"
    "  --unix PATH      an AF_UNIX socket file (replaced if a stale one is there)\n"
    "  --abstract NAME  an AF_UNIX abstract name (no file)\n"
    "  --udp            a datagram socket (default: a stream socket)\n"
    "Prints 'bound to ...' once bound, then holds the address until Ctrl-C.\n";

}  // namespace

int main(int argc, char** argv) {
  std::string ip = "127.0.0.1", unix_path, abstract_name;
  uint16_t port = 0;
  bool udp = false;
  const option options[] = {{"ip", required_argument, nullptr, 'i'},
                            {"port", required_argument, nullptr, 'p'},
                            {"unix", required_argument, nullptr, 'u'},
                            {"abstract", required_argument, nullptr, 'a'},
                            {"udp", no_argument, nullptr, 'd'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (c == 'i') ip = optarg;
    else if (c == 'p') port = labkit::programs::ParsePort(kUsage, optarg);
    else if (c == 'u') unix_path = optarg;
    else if (c == 'a') abstract_name = optarg;
    else if (c == 'd') udp = true;
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  if (optind != argc) labkit::programs::UsageError(kUsage, std::string("unexpected '") + argv[optind] + "'");

  const int type = udp ? SOCK_DGRAM : SOCK_STREAM;
  const bool v6 = ip.find(':') != std::string::npos;
  const bool local = !unix_path.empty() || !abstract_name.empty();
  const int domain = local ? AF_UNIX : v6 ? AF_INET6 : AF_INET;
  const int fd = Must(labkit::lab01::OpenSocket(domain, type), kOpenSocket);
  if (!unix_path.empty()) {
    Must(labkit::lab02::BindUnixPath(fd, unix_path), kBindUnixPath);
    labkit::programs::RemoveOnExit(unix_path);
    std::printf("bound to unix:%s\n", unix_path.c_str());
  } else if (!abstract_name.empty()) {
    Must(labkit::lab02::BindUnixAbstract(fd, abstract_name), kBindUnixAbstract);
    std::printf("bound to unix:@%s\n", abstract_name.c_str());
  } else {
    Must(v6 ? labkit::lab02::BindInet6(fd, ip, port) : labkit::lab02::BindInet(fd, ip, port),
         v6 ? kBindInet6 : kBindInet);
    const uint16_t bound = Must(labkit::lab02::BoundPort(fd), kBoundPort);
    std::printf(v6 ? "bound to [%s]:%u\n" : "bound to %s:%u\n", ip.c_str(), bound);
  }
  std::fflush(stdout);
  while (true) ::pause();  // until a signal ends the program
}
