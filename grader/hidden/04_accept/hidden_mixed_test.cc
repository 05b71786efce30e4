// Lab 04 hidden tests for a serving loop whose clients differ: AF_UNIX
// clients with no name, a short or a long path and an abstract name (their
// addresses have different lengths, so the room offered to accept() must be
// set again for each client), and IPv4 and IPv6 clients of one dual-stack
// listener.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {
namespace {

// An AF_UNIX client of the test's own, bound to `name` (a path, or an
// abstract name when `abstract`) and connected to `listener`.
int NamedUnixClient(Script& s, int listener, const std::string& label, const std::string& name,
                    bool abstract) {
  sockaddr_un address;
  socklen_t length = UnixAddress(name, abstract ? UnixName::kAbstract : UnixName::kPath, address);
  int fd = TestSocket(s, AF_UNIX, SOCK_STREAM);
  s.Sys("bind(" + label + ", " + (abstract ? "@" : "\"") + name + (abstract ? "" : "\"") + ")",
        ::bind(fd, reinterpret_cast<sockaddr*>(&address), length));
  return ConnectClient(s, listener, label, fd);
}

// A TCP client of the test's own, of ip's family, connected to port `port`
// of ip, where `listener` listens; waits (bounded) until the listener's
// queue holds the connection, so clients are queued in the order made.
int InetClientOf(Script& s, int listener, const std::string& ip, uint16_t port,
                 const std::string& label) {
  sockaddr_storage address;
  socklen_t length = harness::MakeInetAddress(ip, port, address);
  int fd = TestSocket(s, address.ss_family, SOCK_STREAM);
  const int queued = QueuedConnections(listener);
  s.Sys("connect(" + label + ", " + ip + " port " + std::to_string(port) + ")",
        ::connect(fd, reinterpret_cast<sockaddr*>(&address), length));
  harness::BoundWaits(fd, kWaitMs);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kWaitMs);
  while (QueuedConnections(listener) <= queued) {
    if (std::chrono::steady_clock::now() > deadline) {
      s.Fail("the listener's queue after connect(" + label + ")", std::to_string(queued + 1),
             std::to_string(QueuedConnections(listener)));
    }
    ::sched_yield();
  }
  s.Note(label + " is " + LocalAddress(fd));
  return fd;
}

// Serves `clients` (each has sent "LABEL\n") with an echo handler and checks
// the peer each handler call saw and the answer each client got.
void ServeAndCheck(Script& s, int listener, const std::vector<std::string>& labels,
                   const std::vector<int>& clients, const std::vector<std::string>& peers,
                   std::string_view hint) {
  int before = OpenFds(s, "before serving");
  EchoLine echo;
  const int count = static_cast<int>(clients.size());
  int served = s.ExpectOk(LABKIT_CALL(ServeClients, As("listener", listener), count,
                                      As("an echo handler", echo.Handler())));
  s.Expect("clients served", count, served);
  s.Expect("the peers the handler saw, in order", Listed(peers), Listed(echo.peers), hint);
  for (size_t i = 0; i < clients.size(); ++i) {
    s.Expect("what " + labels[i] + " receives", RepliedAndClosed("echo: " + labels[i] + "\n"),
             ReadToEnd(clients[i]));
  }
  s.Expect("descriptors open afterwards", before, harness::CountOpenFds());
}

TEST(Accept, ServeGivesEachUnixClientItsOwnAddress) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    int listener = UnixListener(s, dir + "/server.sock");
    const std::string long_path = dir + "/" + std::string(40, 'l') + ".sock";
    const std::string short_path = dir + "/s.sock";
    const std::string other_long = dir + "/" + std::string(32, 'm') + ".sock";
    const std::string abstract = "labkit-04-mixed-" + std::to_string(harness::CaseNumber());

    // Lengths 2, 110-ish, 30-ish, 2 + 1 + 20-ish, 2, 100-ish: each differs
    // from the one before.
    std::vector<std::string> labels = {"unnamed", "long",     "short",
                                       "abstract", "unnamed2", "long2"};
    std::vector<int> clients;
    std::vector<std::string> peers;
    clients.push_back(ConnectClient(s, listener, "unnamed"));
    peers.push_back("unix:(unnamed)");
    clients.push_back(NamedUnixClient(s, listener, "long", long_path, false));
    peers.push_back("unix:" + long_path);
    clients.push_back(NamedUnixClient(s, listener, "short", short_path, false));
    peers.push_back("unix:" + short_path);
    clients.push_back(NamedUnixClient(s, listener, "abstract", abstract, true));
    peers.push_back("unix:@" + abstract);
    clients.push_back(ConnectClient(s, listener, "unnamed2"));
    peers.push_back("unix:(unnamed)");
    clients.push_back(NamedUnixClient(s, listener, "long2", other_long, false));
    peers.push_back("unix:" + other_long);
    for (size_t i = 0; i < clients.size(); ++i) {
      SendFrom(s, clients[i], labels[i], labels[i] + "\n");
    }
    ServeAndCheck(s, listener, labels, clients, peers,
                  "accept() overwrites the length with the size of the address it wrote: set "
                  "it back to the whole sockaddr_storage before every accept(), and use a "
                  "buffer big enough for any family");
  });
}

TEST(Accept, ServeTakesIPv4AndIPv6ClientsOfADualStackListener) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TestSocket(s, AF_INET6, SOCK_STREAM);
    int off = 0;
    s.Sys("setsockopt(listener, IPV6_V6ONLY, 0): IPv4 clients welcome",
          ::setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off));
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("::", 0, address);
    s.Sys("bind(listener, [::] port 0)",
          ::bind(listener, reinterpret_cast<sockaddr*>(&address), length));
    s.Sys(sys::Listen(As("listener", listener), 8));
    const uint16_t port = harness::LocalPort(listener);

    std::vector<std::string> labels = {"v4", "v6", "v4 again"};
    std::vector<int> clients = {InetClientOf(s, listener, "127.0.0.1", port, "v4"),
                                InetClientOf(s, listener, "::1", port, "v6"),
                                InetClientOf(s, listener, "127.0.0.1", port, "v4 again")};
    std::vector<std::string> peers = {
        "[::ffff:127.0.0.1]:" + std::to_string(harness::LocalPort(clients[0])),
        "[::1]:" + std::to_string(harness::LocalPort(clients[1])),
        "[::ffff:127.0.0.1]:" + std::to_string(harness::LocalPort(clients[2]))};
    for (size_t i = 0; i < clients.size(); ++i) {
      SendFrom(s, clients[i], labels[i], labels[i] + "\n");
    }
    ServeAndCheck(s, listener, labels, clients, peers,
                  "an IPv6 listener sees its IPv4 clients as IPv4-mapped IPv6 addresses "
                  "(AF_INET6): format every client by its own family");
  });
}

}  // namespace
}  // namespace labkit::lab04
