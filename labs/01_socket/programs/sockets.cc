// sockets: opens a socket of each domain and kind, and says what the kernel made.
//
// Built from your lab 01 (socket): DomainConstant and KindConstant give the
// numbers, OpenSocket opens, DescribeSocket asks the kernel, CloseSocket
// closes. With --fd N it describes a descriptor it was given instead (from
// Python, say), and closes nothing.
#include <netinet/in.h>
#include <sys/socket.h>

#include <climits>
#include <cstdio>
#include <string>

#include "labs/01_socket/socket_lab.h"
#include "labs/common/programs/lab_steps.h"
#include "labs/common/programs/program_support.h"

namespace {

using labkit::lab01::Domain;
using labkit::lab01::Kind;
using labkit::programs::LabStep;
using namespace labkit::programs::steps;  // the lab functions it calls
using labkit::programs::Must;

constexpr char kUsage[] =
    "usage: ./labkit run 01 sockets [--nonblocking]\n"
    "       ./labkit run 01 sockets --fd N\n"
    "  --nonblocking  open the sockets with O_NONBLOCK\n"
    "  --fd N         only describe descriptor N, which this program inherited\n";

// The names of the numbers the kernel reports, for printing.
std::string DomainName(int domain) {
  if (domain == AF_UNIX) return "AF_UNIX";
  if (domain == AF_INET) return "AF_INET";
  if (domain == AF_INET6) return "AF_INET6";
  return "domain " + std::to_string(domain);
}
std::string TypeName(int type) {
  if (type == SOCK_STREAM) return "SOCK_STREAM";
  if (type == SOCK_DGRAM) return "SOCK_DGRAM";
  return "type " + std::to_string(type);
}
std::string ProtocolName(int protocol) {
  if (protocol == IPPROTO_TCP) return "IPPROTO_TCP";
  if (protocol == IPPROTO_UDP) return "IPPROTO_UDP";
  return std::to_string(protocol);  // 0 for AF_UNIX: it has one protocol per type
}

// DomainConstant and KindConstant return a number, -1 while still a TODO.
int Constant(int value, const LabStep& where) {
  if (value < 0) {
    std::fprintf(stderr, "%s returned %d: finish step %d in %s first\n", where.function, value,
                 where.step, where.file);
    std::exit(1);
  }
  return value;
}

void Describe(int fd) {
  const auto info = Must(labkit::lab01::DescribeSocket(fd), kDescribeSocket);
  std::printf("fd %d: %s, %s, protocol %s, %s\n", fd, DomainName(info.domain).c_str(),
              TypeName(info.type).c_str(), ProtocolName(info.protocol).c_str(),
              info.nonblocking ? "non-blocking" : "blocking");
}

}  // namespace

int main(int argc, char** argv) {
  bool nonblocking = false;
  int only_fd = -1;
  const option options[] = {{"nonblocking", no_argument, nullptr, 'n'},
                            {"fd", required_argument, nullptr, 'f'},
                            {"help", no_argument, nullptr, 'h'},
                            {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "", options, nullptr)) != -1;) {
    if (c == 'n') nonblocking = true;
    else if (c == 'f') only_fd = labkit::programs::ParseNumber(kUsage, "fd", optarg, 0, INT_MAX);
    else if (c == 'h') return std::printf("%s", kUsage), 0;
    else labkit::programs::UsageError(kUsage, "");
  }
  if (optind != argc) labkit::programs::UsageError(kUsage, std::string("unexpected '") + argv[optind] + "'");
  if (only_fd >= 0) {
    Describe(only_fd);
    return 0;
  }
  for (Domain domain : {Domain::kUnix, Domain::kInet, Domain::kInet6}) {
    for (Kind kind : {Kind::kStream, Kind::kDatagram}) {
      const int number = Constant(labkit::lab01::DomainConstant(domain), kDomainConstant);
      const int type = Constant(labkit::lab01::KindConstant(kind), kKindConstant);
      std::printf("socket(%s, %s, 0) -> ", DomainName(number).c_str(), TypeName(type).c_str());
      const int fd = Must(labkit::lab01::OpenSocket(number, type, 0, nonblocking), kOpenSocket);
      Describe(fd);
      Must(labkit::lab01::CloseSocket(fd), kCloseSocket);
    }
  }
}
