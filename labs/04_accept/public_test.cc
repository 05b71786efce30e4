// Lab 04 public tests: run them with `./labkit check 04`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. The test makes the
// listener and the clients itself; your code does the accepting. The grader
// runs these and more (the hidden tests) in the same style.
#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {
namespace {

TEST(Accept, ReportsTheIPv4PeerAddress) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    int client = ConnectClient(s, listener);
    SendFrom(s, client, "client", "ping");
    Accepted accepted = s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("listener", listener)));
    s.Expect("the peer AcceptWithPeer reports", LocalAddress(client), accepted.peer,
             "give accept() a sockaddr_storage and its size, then format what it wrote; "
             "the port needs ntohs()");
    s.Expect("getpeername(accepted.fd): who the new socket is connected to",
             Named{LocalAddress(client)}, Named{PeerAddress(accepted.fd)},
             "return the descriptor accept() gave you, not the listener");
    harness::BoundWaits(accepted.fd, kWaitMs);
    char buffer[8] = {};
    s.Sys("recv(accepted.fd): the bytes the client sent before accept",
          static_cast<int>(::recv(accepted.fd, buffer, sizeof buffer - 1, 0)));
    s.Expect("the bytes received", std::string("ping"), std::string(buffer));
  });
}

TEST(Accept, AnonymousAcceptHandsOverTheConnection) {
  RunCase({.points = 1}, [](Script& s) {
    std::string path = harness::MakeTempDir() + "/server.sock";
    int listener = UnixListener(s, path);
    int client = ConnectClient(s, listener);
    int before = OpenFds(s, "before AcceptAnonymous");
    int fd = s.ExpectOk(LABKIT_CALL(AcceptAnonymous, As("listener", listener)));
    s.Expect("descriptors open afterwards", before + 1, harness::CountOpenFds(),
             "accept() opens exactly one descriptor: the connected socket");
    s.ExpectTrue("fd is not the listener", fd != listener, "fd " + std::to_string(fd));
    s.Sys("send(fd, \"hello\")", static_cast<int>(::send(fd, "hello", 5, MSG_NOSIGNAL)));
    s.Sys(sys::Close(As("fd", fd)));
    s.Expect("what the client receives", RepliedAndClosed("hello"), ReadToEnd(client),
             "the descriptor accept() returns is the server's end of this client's connection");
  });
}

TEST(Accept, FormatsAnAddressOfEachFamily) {
  RunCase({.points = 2}, [](Script& s) {
    ExpectFormatsInet(s, "192.0.2.7", 8080, "192.0.2.7:8080",
                      "sin_port is in network byte order: 8080 read without ntohs() is 36895");
    ExpectFormatsInet(s, "2001:db8::7", 8080, "[2001:db8::7]:8080",
                      "an AF_INET6 address is a sockaddr_in6: "
                      "inet_ntop(AF_INET6, &sin6_addr, ...), in brackets");

    sockaddr_storage storage{};
    sockaddr_un& un = reinterpret_cast<sockaddr_un&>(storage);
    socklen_t length = UnixAddress("/tmp/client.sock", UnixName::kPath, un);
    s.Expect("FormatPeer(AF_UNIX \"/tmp/client.sock\")", std::string("unix:/tmp/client.sock"),
             s.Call("FormatPeer(sockaddr_un \"/tmp/client.sock\")",
                    [&] { return FormatPeer(storage, length); }));
  });
}

TEST(Accept, ServesClientsOneAfterAnother) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    const std::vector<std::string> names = {"first", "second", "third"};
    std::vector<int> clients;
    for (const std::string& name : names) {
      clients.push_back(ConnectClient(s, listener, name));
      SendFrom(s, clients.back(), name, name + "\n");
    }
    EchoLine echo;
    int served = s.ExpectOk(LABKIT_CALL(ServeClients, As("listener", listener), 3,
                                        As("an echo handler", echo.Handler())));
    s.Expect("clients served", 3, served, "count the clients whose handler succeeded");
    for (size_t i = 0; i < clients.size(); ++i) {
      const std::string& name = names[i];
      s.Expect("the peer passed to the handler for " + name, LocalAddress(clients[i]),
               i < echo.peers.size() ? echo.peers[i] : "(handler not called)",
               "pass the handler what AcceptWithPeer returned");
      s.Expect("what " + name + " receives", RepliedAndClosed("echo: " + name + "\n"),
               ReadToEnd(clients[i]), "close each client's socket once its handler returns");
    }
  });
}

TEST(Accept, ReportsAnEmptyQueueOnANonBlockingListener) {
  RunCase({.points = 1}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1", O_NONBLOCK);
    s.ExpectError("AcceptWithPeer(listener) with no client waiting", EAGAIN,
                  [&] { return AcceptWithPeer(listener); },
                  "return the errno accept() set, as it is");
  });
}

}  // namespace
}  // namespace labkit::lab04
