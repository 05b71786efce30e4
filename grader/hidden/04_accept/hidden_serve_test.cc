// Lab 04 hidden tests for the serving loop, ServeClients: interrupted
// accepts, clients that reset or whose handler fails, descriptors, and the
// errors that do end the loop.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/hidden/04_accept/hidden_interrupt.h"
#include "labs/04_accept/test_support.h"

namespace labkit::lab04 {
namespace {

TEST(Accept, ServeKeepsServingAfterInterruptedAccepts) {
  RunCase({.points = 3}, [](Script& s) {
    harness::InstallInterruptHandler(s);
    int listener = TcpListener(s, "127.0.0.1");
    InterruptingClients clients{harness::ThisThread(), {}, 0, {}, {}, {}};
    clients.length = BoundAddress(listener, clients.address);
    s.Note("a helper thread waits until this thread sleeps in accept(), sends it SIGUSR1, "
           "then connects a client; twice");
    std::thread helper([&] { clients.Run(2); });
    EchoLine echo;
    SysResult<int> result = s.Call(LABKIT_CALL(ServeClients, As("listener", listener), 2,
                                               As("an echo handler", echo.Handler())));
    if (!result.ok() || result.value() != 2) {
      s.Fail("ServeClients's result", "ok: 2", harness::Show(result),
             result.error() == ENOSYS ? Script::HintFor(ENOSYS, "")
             : result.error() == EINTR
                 ? "EINTR only says a signal came while accept() waited: call accept() again"
                 : "an interrupted accept() is not a connection: retry it, and count only "
                   "clients whose handler succeeded");
    }
    helper.join();
    for (const std::string& line : clients.log) s.Note("helper: " + line);
    s.Expect("what went wrong on the helper thread", std::string(), clients.failure);
    for (size_t i = 0; i < clients.received.size(); ++i) {
      std::string name = "client " + std::to_string(i + 1);
      s.Expect("what " + name + " receives", RepliedAndClosed("echo: " + name + "\n"),
               clients.received[i]);
    }
  });
}

TEST(Accept, ServeGoesOnAfterAClientResets) {
  RunCase({.points = 3}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    int first = ConnectClient(s, listener, "first");
    SendFrom(s, first, "first", "alpha\n");
    int rude = ConnectClient(s, listener, "rude");
    linger abort_on_close{1, 0};
    s.Sys("setsockopt(rude, SO_LINGER, {on, 0 s})",
          ::setsockopt(rude, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close));
    s.Sys(sys::Close(As("rude", rude))
              .Because("resets the connection (RST) before the server gets to it"));
    int last = ConnectClient(s, listener, "last");
    SendFrom(s, last, "last", "omega\n");
    int before = OpenFds(s, "before serving");
    EchoLine echo;
    int served = s.ExpectOk(LABKIT_CALL(ServeClients, As("listener", listener), 3,
                                        As("an echo handler", echo.Handler())),
                            "a handler's error belongs to its client: close that client and "
                            "go on to the next one");
    std::vector<Named> expected = {EchoLine::Answered("alpha\n"),
                                   Named{"recv failed: " + harness::ErrnoName(ECONNRESET)},
                                   EchoLine::Answered("omega\n")};
    for (size_t i = 0; i < expected.size(); ++i) {
      s.Expect("how the handler's client " + std::to_string(i + 1) + " went", expected[i],
               i < echo.outcomes.size() ? echo.outcomes[i] : Named{"(handler not called)"});
    }
    s.Expect("clients served", 2, served, "the reset client's handler failed: it does not count");
    s.Expect("what first receives", RepliedAndClosed("echo: alpha\n"), ReadToEnd(first));
    s.Expect("what last receives", RepliedAndClosed("echo: omega\n"), ReadToEnd(last));
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "close the client's socket after its handler, also when the handler failed");
  });
}

TEST(Accept, ServeClosesEveryClientAndLeaksNoDescriptor) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = UnixListener(s, harness::MakeTempDir() + "/server.sock");
    std::vector<int> clients;
    for (int i = 1; i <= 5; ++i) {
      std::string name = "client " + std::to_string(i);
      clients.push_back(ConnectClient(s, listener, name));
      SendFrom(s, clients.back(), name, name + "\n");
    }
    int before = OpenFds(s, "before serving");
    EchoLine echo;
    int served = s.ExpectOk(LABKIT_CALL(ServeClients, As("listener", listener), 5,
                                        As("an echo handler", echo.Handler())));
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "every accepted socket is the server's to close once its handler returns");
    s.Expect("clients served", 5, served);
    for (size_t i = 0; i < clients.size(); ++i) {
      std::string name = "client " + std::to_string(i + 1);
      s.Expect("the peer passed to the handler for " + name, std::string("unix:(unnamed)"),
               i < echo.peers.size() ? echo.peers[i] : "(handler not called)");
      s.Expect("what " + name + " receives", RepliedAndClosed("echo: " + name + "\n"),
               ReadToEnd(clients[i]));
    }
  });
}

TEST(Accept, ServeClosesAClientWhoseHandlerFailed) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "::1");
    int refused = ConnectClient(s, listener, "refused");
    int welcome = ConnectClient(s, listener, "welcome");
    SendFrom(s, welcome, "welcome", "hi\n");
    int before = OpenFds(s, "before serving");
    EchoLine echo;
    std::vector<std::string> peers;
    ClientHandler handler = [&](const Accepted& client) {
      peers.push_back(client.peer);
      // The first client is turned away: an error, nothing read or sent.
      return peers.size() == 1 ? Status::Error(EPROTO) : echo.Serve(client);
    };
    int served = s.ExpectOk(LABKIT_CALL(ServeClients, As("listener", listener), 2,
                                        As("a handler failing with EPROTO first", handler)),
                            "a failing handler ends its client only, not the loop");
    s.Expect("clients served", 1, served, "count only the clients whose handler succeeded");
    s.Expect("the peers the handler saw", Listed({LocalAddress(refused), LocalAddress(welcome)}),
             Listed(peers));
    s.Expect("what refused receives", RepliedAndClosed(""), ReadToEnd(refused),
             "close the client's socket whatever its handler returned");
    s.Expect("what welcome receives", RepliedAndClosed("echo: hi\n"), ReadToEnd(welcome));
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds());
  });
}

TEST(Accept, ServeStopsOnOtherAcceptErrors) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1", O_NONBLOCK);
    int only = ConnectClient(s, listener, "only");
    SendFrom(s, only, "only", "solo\n");
    EchoLine echo;
    s.ExpectError(LABKIT_CALL(ServeClients, As("listener", listener), 2,
                              As("an echo handler", echo.Handler()))
                      .Because("one client for two"),
                  EAGAIN,
                  "EAGAIN means no client is waiting on a non-blocking listener: end the loop "
                  "and return it; retry only EINTR and ECONNABORTED");
    s.Expect("handler calls", 1UL, echo.outcomes.size());
    s.Expect("what only receives", RepliedAndClosed("echo: solo\n"), ReadToEnd(only));

    int idle = TestSocket(s, AF_INET, SOCK_STREAM);
    s.ExpectError("ServeClients(idle, 1, an echo handler) on a socket not listening", EINVAL,
                  [&] { return ServeClients(idle, 1, echo.Handler()); });
    s.Expect("handler calls", 1UL, echo.outcomes.size());
  });
}

TEST(Accept, ServeWithNoClientsToServeAcceptsNobody) {
  RunCase({.points = 1}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1", O_NONBLOCK);
    ConnectClient(s, listener, "waiting");
    EchoLine echo;
    for (int count : {0, -1}) {
      std::string call = "ServeClients(listener, " + std::to_string(count) + ", an echo handler)";
      s.Expect("clients served", 0, s.ExpectOk(call, [&] {
        return ServeClients(listener, count, echo.Handler());
      }));
    }
    s.Expect("handler calls", 0UL, echo.outcomes.size(),
             "with nothing to serve, the loop must not accept anyone");
    s.Sys("accept(listener) by the test: the client is still queued",
          ::accept(listener, nullptr, nullptr));
  });
}

}  // namespace
}  // namespace labkit::lab04
