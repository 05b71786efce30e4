// Lab 06 hidden tests, part 3: the header's two rules (EINTR is not an
// error; nothing raises SIGPIPE) and its errors, checked through EVERY
// function they apply to, not through one representative. Graded together
// with the public ones.
#include <poll.h>
#include <signal.h>

#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/06_send_recv/test_support.h"

namespace labkit::lab06 {
namespace {

constexpr char kRetryHint[] = "EINTR only says a signal came first: call again";

using Sender = std::function<Status(int, std::string_view)>;
using Receiver = std::function<SysResult<std::string>(int)>;

// poll() until fd reports an error (the peer's RST came back), within kWaitMs.
void ExpectResetArrived(Script& s, int fd) {
  pollfd p{fd, 0, 0};
  s.ExpectTrue("poll(mine): the peer's RST arrived",
               ::poll(&p, 1, kWaitMs) == 1 && (p.revents & POLLERR) != 0,
               "no POLLERR within 1 s");
}

// A TCP connection whose peer closed and then answered a send with RST:
// from now on every send on `mine` fails with EPIPE, and raises SIGPIPE
// unless it passes MSG_NOSIGNAL.
int TcpConnectionToAPeerThatLeft(Script& s) {
  ::signal(SIGPIPE, SIG_DFL);
  s.Note("SIGPIPE has its default action: it would kill this process");
  Connection c = TcpConnection(s);
  s.Sys("close(peer): the peer sends FIN", ::close(c.peer));
  s.ExpectTrue("poll(mine, POLLRDHUP): the FIN arrived",
               harness::WaitFor(c.mine, POLLRDHUP, kWaitMs), "nothing within 1 s");
  TestSend(s, c.mine, "mine", "first");
  s.Note("the peer's kernel answers that send with RST: nobody reads there any more");
  ExpectResetArrived(s, c.mine);
  return c.mine;
}

// A TCP connection whose peer reset it (SO_LINGER {1, 0}), RST received.
int TcpConnectionThatWasReset(Script& s) {
  Connection c = TcpConnection(s);
  TestReset(s, c.peer, "peer");
  ExpectResetArrived(s, c.mine);
  return c.mine;
}

TEST(SendRecv, SendUrgentReportsEpipeInsteadOfDying) {
  RunCase({.points = 2}, [](Script& s) {
    int mine = TcpConnectionToAPeerThatLeft(s);
    s.ExpectError(LABKIT_CALL(SendUrgent, As("mine", mine), As("'!'", '!')), EPIPE,
                  "MSG_OOB | MSG_NOSIGNAL: every send needs MSG_NOSIGNAL, the urgent one too");
  });
}

TEST(SendRecv, SendToConnectedReportsEpipeInsteadOfDying) {
  RunCase({.points = 2}, [](Script& s) {
    int mine = TcpConnectionToAPeerThatLeft(s);
    s.ExpectError(LABKIT_CALL(SendToConnected, As("mine", mine), "late", "127.0.0.1", 9), EPIPE,
                  "sendto() raises SIGPIPE like send(): pass MSG_NOSIGNAL in its flags");
    s.ExpectError(LABKIT_CALL(SendDontRoute, As("mine", mine), "late"), EPIPE,
                  "MSG_DONTROUTE | MSG_NOSIGNAL");
  });
}

TEST(SendRecv, EverySendReportsAReset) {
  RunCase({.points = 1}, [](Script& s) {
    const char* hint = "the first send after an RST fails with ECONNRESET: return it unchanged";
    int all = TcpConnectionThatWasReset(s);
    s.ExpectError(LABKIT_CALL(SendAll, As("mine", all), "x"), ECONNRESET, hint);
    int direct = TcpConnectionThatWasReset(s);
    s.ExpectError(LABKIT_CALL(SendDontRoute, As("mine", direct), "x"), ECONNRESET, hint);
    int urgent = TcpConnectionThatWasReset(s);
    s.ExpectError(LABKIT_CALL(SendUrgent, As("mine", urgent), As("'x'", 'x')), ECONNRESET, hint);
    int to = TcpConnectionThatWasReset(s);
    s.ExpectError(LABKIT_CALL(SendToConnected, As("mine", to), "x", "::1", 9), ECONNRESET, hint);
  });
}

TEST(SendRecv, PeekAndRecvFromConnectedReportAReset) {
  RunCase({.points = 1}, [](Script& s) {
    const char* hint = "recv() fails with ECONNRESET after an RST: that is an error, not an "
                       "end of stream";
    int peeking = TcpConnectionThatWasReset(s);
    s.ExpectError(LABKIT_CALL(Peek, As("mine", peeking), 16), ECONNRESET, hint);
    int from = TcpConnectionThatWasReset(s);
    s.ExpectError(LABKIT_CALL(RecvFromConnected, As("mine", from), 16), ECONNRESET, hint);
  });
}

// A payload through `send` (called `name`) on c.mine, whose send buffer is
// small, while a peer thread interrupts it twice when it is blocked and only
// then reads everything: every byte must arrive, in order.
void ExpectSendSurvivesTwoSignals(Script& s, const Connection& c, const std::string& name,
                                  const Sender& send, size_t size) {
  int small = 32 * 1024;
  s.Sys("setsockopt(mine, SO_SNDBUF, 32768): a small send buffer fills fast",
        ::setsockopt(c.mine, SOL_SOCKET, SO_SNDBUF, &small, sizeof small));
  const std::string payload = Pattern(size);
  const pid_t me = ThisThread();
  s.Note("a peer thread waits until " + name + " is blocked on a full buffer, sends it "
         "SIGUSR1, does that once more, and only then reads everything");
  PeerThread peer([&](const std::atomic<bool>& returned) {
    PeerReport report;
    int signals = 0;
    while (signals < 2 && InterruptWhenBlocked(me, c.mine, Direction::kSending, returned)) {
      ++signals;
    }
    report.done_its_part = signals == 2;
    report.story = "the peer interrupted " + name + " " + std::to_string(signals) +
                   " time(s) while it was blocked in a send";
    report.received = ReadToEnd(c.peer);
    return report;
  });
  s.ExpectOk(name + "(mine, " + std::to_string(size) + " bytes)",
             [&] { return send(c.mine, payload); }, kRetryHint);
  s.Sys("shutdown(mine, SHUT_WR): the test ends the stream", ::shutdown(c.mine, SHUT_WR));
  const PeerReport& report = peer.Join();
  s.Note(report.story);
  s.Expect("what the peer received", Named{Compare(payload, payload)},
           Named{Compare(report.received, payload)},
           "a send cut short by a signal returns how many bytes it took: send the rest");
  s.ExpectTrue(name + " was interrupted twice", report.done_its_part, report.story);
}

TEST(SendRecv, SendDontRouteKeepsGoingWhenSignalsCutItShort) {
  RunCase({.points = 2}, [](Script& s) {
    InstallInterruptHandler(s);
    Connection c = UnixConnection(s);
    ExpectSendSurvivesTwoSignals(s, c, "SendDontRoute", SendDontRoute, 256 * 1024);
    ExpectEverySendCarries(s, "SendDontRoute", "MSG_DONTROUTE");
  });
}

TEST(SendRecv, SendToConnectedKeepsGoingWhenSignalsCutItShort) {
  RunCase({.points = 2, .timeout_ms = 4000}, [](Script& s) {
    InstallInterruptHandler(s);
    Connection c = TcpConnection(s);
    const uint16_t port = harness::LocalPort(c.peer);
    ExpectSendSurvivesTwoSignals(
        s, c, "SendToConnected(.., \"127.0.0.1\", peer's port)",
        [port](int fd, std::string_view data) {
          return SendToConnected(fd, data, "127.0.0.1", port);
        },
        1024 * 1024);
  });
}

// `receive` (called `call`) is interrupted by SIGUSR1 while it waits for
// the first byte; then the peer sends "abc" (and ends the stream if
// `then_end`). The call must wait again, and return "abc".
void ExpectReceiveSurvivesASignal(Script& s, const std::string& call, const Receiver& receive,
                                  bool then_end) {
  InstallInterruptHandler(s);
  Connection c = TcpConnection(s);
  const pid_t me = ThisThread();
  s.Note(std::string("a peer thread sends SIGUSR1 to the call while it waits for the first "
                     "byte, then sends \"abc\"") +
         (then_end ? " and shutdown(peer, SHUT_WR)" : "") + " once it waits again");
  PeerThread peer([&](const std::atomic<bool>& returned) {
    PeerReport report;
    if (!InterruptWhenBlocked(me, c.mine, Direction::kReceiving, returned)) {
      report.story = "the call was never seen waiting in a recv";
    } else if (!WaitUntil([&] { return BlockedOn(me, c.mine, Direction::kReceiving); },
                          returned)) {
      report.story = "after the signal, the call did not wait again";
    } else {
      report.done_its_part = ::send(c.peer, "abc", 3, MSG_NOSIGNAL) == 3 &&
                             (!then_end || ::shutdown(c.peer, SHUT_WR) == 0);
      report.story = "the peer interrupted the call, then sent \"abc\"";
    }
    return report;
  });
  std::string got = s.ExpectOk(call, [&] { return receive(c.mine); }, kRetryHint);
  const PeerReport& report = peer.Join();
  s.Note(report.story);
  s.ExpectTrue("the peer did its part", report.done_its_part, report.story);
  s.Expect(call, std::string("abc"), got);
  if (then_end) return;
  if (Queued(c.mine) > 0) TestRecv(s, c.mine, "mine", 16);
  s.Sys("shutdown(peer, SHUT_WR): end of stream", ::shutdown(c.peer, SHUT_WR));
  s.Expect(call + " at end of stream", std::string(""),
           s.ExpectOk(call + " at end of stream", [&] { return receive(c.mine); }),
           "errno still says EINTR from before: only a result of -1 means an error, and 0 is "
           "the end of the stream");
}

TEST(SendRecv, SendAllRetriesASendInterruptedBeforeItTookAByte) {
  RunCase({.points = 1}, [](Script& s) {
    InstallInterruptHandler(s);
    Connection c = UnixConnection(s);
    std::string filler;
    const std::string chunk = Pattern(4096);
    while (::send(c.mine, chunk.data(), chunk.size(), MSG_DONTWAIT | MSG_NOSIGNAL) > 0) {
      filler += chunk;  // AF_UNIX takes a chunk this small whole or not at all
    }
    s.Note("the test filled mine's buffers with " + std::to_string(filler.size()) +
           " bytes: a send now waits before it takes a single byte");
    const std::string payload = "after the wait";
    const pid_t me = ThisThread();
    PeerThread peer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      report.done_its_part = InterruptWhenBlocked(me, c.mine, Direction::kSending, returned);
      report.story = report.done_its_part ? "the peer interrupted SendAll once, then read"
                                          : "SendAll was never seen blocked in a send";
      report.received = ReadToEnd(c.peer);
      return report;
    });
    s.ExpectOk(LABKIT_CALL(SendAll, As("mine", c.mine), As("\"after the wait\"", payload)),
               "a send interrupted before it took a byte fails with EINTR: send again");
    s.Sys("shutdown(mine, SHUT_WR): the test ends the stream", ::shutdown(c.mine, SHUT_WR));
    const PeerReport& report = peer.Join();
    s.Note(report.story);
    s.ExpectTrue("SendAll was interrupted", report.done_its_part, report.story);
    s.Expect("what the peer received", Named{Compare(filler + payload, filler + payload)},
             Named{Compare(report.received, filler + payload)});
  });
}

TEST(SendRecv, RecvUntilEofRetriesAfterASignal) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectReceiveSurvivesASignal(s, "RecvUntilEof(mine)", RecvUntilEof, /*then_end=*/true);
  });
}

TEST(SendRecv, PeekRetriesAfterASignal) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectReceiveSurvivesASignal(
        s, "Peek(mine, 16)", [](int fd) { return Peek(fd, 16); }, /*then_end=*/false);
  });
}

TEST(SendRecv, RecvFromConnectedRetriesAfterASignal) {
  RunCase({.points = 1}, [](Script& s) {
    ExpectReceiveSurvivesASignal(
        s, "RecvFromConnected(mine, 16)",
        [](int fd) -> SysResult<std::string> {
          SysResult<Received> got = RecvFromConnected(fd, 16);
          if (!got.ok()) return SysResult<std::string>::Error(got.error());
          return SysResult<std::string>::Ok(got.value().data);
        },
        /*then_end=*/false);
  });
}

}  // namespace
}  // namespace labkit::lab06
