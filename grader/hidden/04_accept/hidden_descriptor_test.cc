// Lab 04 hidden tests for descriptor numbers (0 is a descriptor like any
// other when stdin is closed) and for EINTR, which AcceptWithPeer and
// AcceptAnonymous return as it is. Each case runs in a process of its own,
// so a case may close its stdin.
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

// Closes the case's stdin, so descriptor 0 is the lowest free one.
void CloseStdin(Script& s) {
  s.Sys(sys::Close(As("0", 0)).Because("stdin closed, so 0 is the lowest free descriptor"));
}

const char kZeroHint[] =
    "0 is a valid descriptor (stdin was closed): only a negative result of accept() is a failure";

TEST(Accept, HandsOverDescriptorZero) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    int first = ConnectClient(s, listener, "first");
    int second = ConnectClient(s, listener, "second");
    int third = ConnectClient(s, listener, "third");
    SendFrom(s, third, "third", "zero\n");
    CloseStdin(s);

    // 1. AcceptWithPeer's new socket takes descriptor 0.
    Accepted accepted =
        s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("listener", listener)), kZeroHint);
    s.Expect("the descriptor AcceptWithPeer returned", 0, accepted.fd,
             "accept() returns the lowest free descriptor: return the one it gave you");
    s.Expect("the peer AcceptWithPeer reports", LocalAddress(first), accepted.peer);
    s.Sys(sys::Close(As("accepted.fd", accepted.fd)));

    // 2. So does AcceptAnonymous's.
    int fd = s.ExpectOk(LABKIT_CALL(AcceptAnonymous, As("listener", listener)), kZeroHint);
    s.Expect("the descriptor AcceptAnonymous returned", 0, fd);
    s.Expect("getpeername(0)", Named{LocalAddress(second)}, Named{PeerAddress(0)});
    s.Sys(sys::Close(As("0", 0)));

    // 3. ServeClients serves a client on descriptor 0, then closes it.
    int before = OpenFds(s, "before serving");
    EchoLine echo;
    std::vector<int> handed;
    ClientHandler handler = [&](const Accepted& client) {
      handed.push_back(client.fd);
      return echo.Serve(client);
    };
    int served = s.ExpectOk(
        LABKIT_CALL(ServeClients, As("listener", listener), 1, As("an echo handler", handler)),
        kZeroHint);
    s.Expect("clients served", 1, served);
    s.Expect("the descriptor passed to the handler", 0, handed.empty() ? -1 : handed.front(),
             "pass the handler the socket AcceptWithPeer returned");
    s.Expect("what third receives", RepliedAndClosed("echo: zero\n"), ReadToEnd(third),
             "close the client's socket after its handler, descriptor 0 included");
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "a client on descriptor 0 is closed like any other");
  });
}

TEST(Accept, ListensOnDescriptorZero) {
  RunCase({.points = 1}, [](Script& s) {
    CloseStdin(s);
    std::string path = harness::MakeTempDir() + "/server.sock";
    int listener = UnixListener(s, path);
    s.Expect("the listener's descriptor", 0, listener);
    int first = ConnectClient(s, listener, "first");
    int second = ConnectClient(s, listener, "second");
    SendFrom(s, second, "second", "on zero\n");
    const char* hint = "the listener is descriptor 0 here: a valid descriptor to accept on";

    Accepted accepted = s.ExpectOk(LABKIT_CALL(AcceptWithPeer, As("0", listener)), hint);
    s.Expect("the peer AcceptWithPeer reports", std::string("unix:(unnamed)"), accepted.peer);
    s.Expect("getpeername(accepted.fd)", Named{LocalAddress(first)},
             Named{PeerAddress(accepted.fd)});
    s.Sys(sys::Close(As("accepted.fd", accepted.fd)));

    EchoLine echo;
    int served = s.ExpectOk(
        LABKIT_CALL(ServeClients, As("0", listener), 1, As("an echo handler", echo.Handler())),
        hint);
    s.Expect("clients served", 1, served);
    s.Expect("what second receives", RepliedAndClosed("echo: on zero\n"), ReadToEnd(second));

    ConnectClient(s, listener, "third");
    int fd = s.ExpectOk(LABKIT_CALL(AcceptAnonymous, As("0", listener)), hint);
    s.ExpectTrue("the new socket is not the listener", fd != listener, "fd " + std::to_string(fd));
    s.Expect("SO_ACCEPTCONN of descriptor 0: still the listener", 1,
             harness::IntOption(listener, SOL_SOCKET, SO_ACCEPTCONN),
             "the listener is the caller's: leave it open");
  });
}

// The helper thread of InterruptedAcceptReturnsEINTR: once the case's main
// thread sleeps waiting for a client, interrupts it with SIGUSR1, then
// connects a client, so code that retried the interrupted accept() gets a
// connection (and a wrong answer) rather than waiting for ever.
struct InterruptThenConnect {
  pid_t server_tid;
  sockaddr_storage address;
  socklen_t length;
  std::string log;
  int client = -1;

  void Run() {
    switch (harness::Interrupt(
        server_tid, [this] { return SleepsWaitingForAClient(server_tid); }, 1000)) {
      case harness::Interruption::kNeverBlocked:
        log = "the main thread never slept in accept() within 1000 ms";
        break;
      case harness::Interruption::kHandlerNeverRan:
        log = "SIGUSR1 was sent, but its handler never ran";
        break;
      case harness::Interruption::kDone:
        log = "SIGUSR1 interrupted the wait; then a client connected";
        break;
    }
    client = ::socket(address.ss_family, SOCK_STREAM, 0);
    if (client >= 0) ::connect(client, reinterpret_cast<sockaddr*>(&address), length);
  }
};

TEST(Accept, InterruptedAcceptReturnsEINTR) {
  RunCase({.points = 2}, [](Script& s) {
    harness::InstallInterruptHandler(s);
    for (bool anonymous : {false, true}) {
      const std::string name = anonymous ? "AcceptAnonymous" : "AcceptWithPeer";
      int listener = TcpListener(s, "127.0.0.1");
      InterruptThenConnect helper{harness::ThisThread(), {}, 0, {}, -1};
      helper.length = BoundAddress(listener, helper.address);
      int before = OpenFds(s, "before " + name);
      s.Note("a helper thread waits until this thread sleeps in accept(), sends it SIGUSR1, "
             "then connects a client");
      std::thread thread([&] { helper.Run(); });
      SysResult<int> result = SysResult<int>::Error(0);
      if (anonymous) {
        result = s.Call(name + "(listener)", [&] { return AcceptAnonymous(listener); });
      } else {
        SysResult<Accepted> accepted =
            s.Call(name + "(listener)", [&] { return AcceptWithPeer(listener); });
        result = accepted.ok() ? SysResult<int>::Ok(accepted.value().fd)
                               : SysResult<int>::Error(accepted.error());
      }
      thread.join();
      s.Note("helper: " + helper.log);
      s.Expect(name + "'s result", harness::Show(SysResult<int>::Error(EINTR)),
               harness::Show(result),
               result.ok() ? "the header says accept's errors come back as they are: return "
                             "EINTR, and leave retrying to the caller (ServeClients does)"
                           : Script::HintFor(result.error(), "return the errno accept() set"));
      s.Sys("close(the helper's client)", ::close(helper.client));
      s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
               "an interrupted accept() opens nothing");
    }
  });
}

}  // namespace
}  // namespace labkit::lab04
