// Lab 06 hidden tests, part 1: moving bytes (SendAll, RecvExact,
// RecvUntilEof, Peek). Graded together with the public ones.
#include <poll.h>
#include <signal.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/06_send_recv/test_support.h"

namespace labkit::lab06 {
namespace {

constexpr char kRetryHint[] = "EINTR only says a signal came first: call again";

// The process dies of SIGPIPE unless the code under test avoids it.
void DefaultSigpipe(Script& s) {
  ::signal(SIGPIPE, SIG_DFL);
  s.Note("SIGPIPE has its default action: it would kill this process");
}

// poll() until fd reports an error (the peer's RST came back), within kWaitMs.
bool WaitForError(int fd) {
  pollfd p{fd, 0, 0};
  return ::poll(&p, 1, kWaitMs) == 1 && (p.revents & POLLERR) != 0;
}

TEST(SendRecv, SendAllKeepsGoingWhenSignalsCutItShort) {
  RunCase({.points = 3}, [](Script& s) {
    InstallInterruptHandler(s);
    Connection c = UnixConnection(s);
    int small = 32 * 1024;
    s.Sys("setsockopt(mine, SO_SNDBUF, 32768): a small send buffer fills fast",
          ::setsockopt(c.mine, SOL_SOCKET, SO_SNDBUF, &small, sizeof small));
    const std::string payload = Pattern(256 * 1024);
    const pid_t me = ThisThread();
    s.Note("a peer thread waits until SendAll is blocked on a full socket buffer, sends it "
           "SIGUSR1, does that once more, and only then reads everything");
    PeerThread peer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      int signals = 0;
      while (signals < 2 && InterruptWhenBlocked(me, c.mine, Direction::kSending, returned)) {
        ++signals;
      }
      report.done_its_part = signals == 2;
      report.story = "the peer interrupted SendAll " + std::to_string(signals) +
                     " time(s) while it was blocked in a send";
      report.received = ReadToEnd(c.peer);
      return report;
    });
    s.ExpectOk(LABKIT_CALL(SendAll, As("mine", c.mine), As("262144 bytes", payload)), kRetryHint);
    s.Sys("shutdown(mine, SHUT_WR): the test ends the stream", ::shutdown(c.mine, SHUT_WR));
    const PeerReport& report = peer.Join();
    s.Note(report.story);
    s.Expect("what the peer received", Named{Compare(payload, payload)},
             Named{Compare(report.received, payload)},
             "a send() cut short by a signal returns how many bytes it took: send the rest");
    s.ExpectTrue("SendAll was interrupted twice", report.done_its_part, report.story);
  });
}

TEST(SendRecv, SendAllReportsEpipeInsteadOfDying) {
  RunCase({.points = 2}, [](Script& s) {
    DefaultSigpipe(s);
    Connection c = UnixConnection(s);
    s.Sys("close(peer)", ::close(c.peer));
    s.ExpectError(LABKIT_CALL(SendAll, As("mine", c.mine), "hello"), EPIPE,
                  "with MSG_NOSIGNAL, sending to a closed peer fails with EPIPE");
    s.ExpectError(LABKIT_CALL(SendAll, As("mine", c.mine), "again"), EPIPE);
  });
}

TEST(SendRecv, SendAllToATcpPeerThatClosed) {
  RunCase({.points = 2}, [](Script& s) {
    DefaultSigpipe(s);
    Connection c = TcpConnection(s);
    s.Sys("close(peer): the peer sends FIN", ::close(c.peer));
    s.ExpectTrue("poll(mine, POLLRDHUP): the FIN arrived",
                 harness::WaitFor(c.mine, POLLRDHUP, kWaitMs), "nothing within 1 s");
    s.ExpectOk(LABKIT_CALL(SendAll, As("mine", c.mine), "first"),
               "a FIN only says the peer stopped sending, so this send still succeeds");
    s.ExpectTrue("poll(mine): the peer answered with RST", WaitForError(c.mine),
                 "no POLLERR within 1 s");
    s.ExpectError(LABKIT_CALL(SendAll, As("mine", c.mine), "second"), EPIPE,
                  "after the RST, send() fails with EPIPE; MSG_NOSIGNAL keeps SIGPIPE away");
  });
}

TEST(SendRecv, RecvExactRetriesAfterASignal) {
  RunCase({.points = 2}, [](Script& s) {
    InstallInterruptHandler(s);
    Connection c = TcpConnection(s);
    const pid_t me = ThisThread();
    s.Note("a peer thread sends SIGUSR1 to RecvExact while it waits for the first byte, "
           "then sends \"abc\" once it waits again");
    PeerThread peer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      if (!InterruptWhenBlocked(me, c.mine, Direction::kReceiving, returned)) {
        report.story = "RecvExact was never seen waiting in a recv";
      } else if (!WaitUntil([&] { return BlockedOn(me, c.mine, Direction::kReceiving); },
                            returned)) {
        report.story = "after the signal, RecvExact did not wait again";
      } else {
        report.done_its_part = ::send(c.peer, "abc", 3, MSG_NOSIGNAL) == 3;
        report.story = "the peer interrupted RecvExact, then sent \"abc\"";
      }
      return report;
    });
    std::string got = s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 3), kRetryHint);
    const PeerReport& report = peer.Join();
    s.Note(report.story);
    s.ExpectTrue("the peer did its part", report.done_its_part, report.story);
    s.Expect("RecvExact(mine, 3)", std::string("abc"), got);
  });
}

TEST(SendRecv, RecvExactWaitsForAQuietPeer) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    const pid_t me = ThisThread();
    TestSend(s, c.peer, "peer", "ab");
    s.Note("a peer thread sends \"cd\" only once RecvExact has taken \"ab\" and is blocked "
           "waiting for more");
    PeerThread peer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      report.done_its_part =
          WaitUntil([&] { return BlockedOn(me, c.mine, Direction::kReceiving); }, returned) &&
          ::send(c.peer, "cd", 2, MSG_NOSIGNAL) == 2;
      return report;
    });
    std::string got = s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 4));
    peer.Join();
    s.Expect("RecvExact(mine, 4)", std::string("abcd"), got,
             "a quiet peer is not the end of the stream: one recv() returns what has "
             "arrived, so keep receiving until you have n bytes");
  });
}

TEST(SendRecv, RecvExactTakesNoMoreThanAsked) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "abcdefg");
    ExpectReadable(s, c.mine, "mine");
    s.Expect("RecvExact(mine, 0)", std::string(""),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 0)));
    s.Expect("RecvExact(mine, 3)", std::string("abc"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 3)));
    s.Expect("bytes still queued on mine", 4, Queued(c.mine),
             "ask recv() for the bytes still missing, never for more: the rest belongs to "
             "the next read");
    s.Expect("RecvExact(mine, 4)", std::string("defg"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 4)));
  });
}

TEST(SendRecv, RecvExactStopsShortAtEndOfStream) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "abc");
    s.Sys("shutdown(peer, SHUT_WR)", ::shutdown(c.peer, SHUT_WR));
    const char* hint = "recv() returning 0 is end of stream: stop and return what you have";
    s.Expect("RecvExact(mine, 10)", std::string("abc"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 10)), hint);
    s.Expect("RecvExact(mine, 10) again", std::string(""),
             s.ExpectOk("RecvExact(mine, 10) again", [&] { return RecvExact(c.mine, 10); }),
             hint);
    Connection u = UnixConnection(s);
    TestSend(s, u.peer, "peer", "xyz");
    s.Sys("close(peer)", ::close(u.peer));
    s.Expect("RecvExact(mine, 5)", std::string("xyz"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", u.mine), 5)), hint);
  });
}

TEST(SendRecv, RecvExactReportsAReset) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "abc");
    TestReset(s, c.peer, "peer");
    s.ExpectError(LABKIT_CALL(RecvExact, As("mine", c.mine), 10), ECONNRESET,
                  "recv() hands out the bytes that came before the RST, then fails with "
                  "ECONNRESET: that is an error, not an end of stream");
  });
}

TEST(SendRecv, RecvUntilEofCollectsALargeTransfer) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    const std::string payload = Pattern(512 * 1024);
    s.Note("a peer thread sends 524288 bytes, then shutdown(peer, SHUT_WR)");
    PeerThread writer([&](const std::atomic<bool>&) {
      PeerReport report;
      size_t sent = 0;
      while (sent < payload.size()) {
        ssize_t n = ::send(c.peer, payload.data() + sent, payload.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::shutdown(c.peer, SHUT_WR);
      report.done_its_part = sent == payload.size();
      return report;
    });
    std::string got;
    Named summary = s.ExpectOk("RecvUntilEof(mine)", [&] {
      return CompareResult(RecvUntilEof(c.mine), payload, got);
    });
    writer.Join();
    s.Expect("what RecvUntilEof(mine) returned", Named{Compare(payload, payload)}, summary,
             "one recv() returns only part of a large transfer: append until it returns 0");
  });
}

TEST(SendRecv, RecvUntilEofReportsAReset) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "partial");
    TestReset(s, c.peer, "peer");
    s.ExpectError(LABKIT_CALL(RecvUntilEof, As("mine", c.mine)), ECONNRESET,
                  "an RST is not an orderly end: report ECONNRESET, so the caller knows the "
                  "data may be cut off");
  });
}

TEST(SendRecv, PeekWaitsAndSeesEndOfStream) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    const pid_t me = ThisThread();
    s.Note("a peer thread sends \"xyz\" once Peek is blocked waiting for data");
    PeerThread peer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      report.done_its_part =
          WaitUntil([&] { return BlockedOn(me, c.mine, Direction::kReceiving); }, returned) &&
          ::send(c.peer, "xyz", 3, MSG_NOSIGNAL) == 3;
      return report;
    });
    s.Expect("Peek(mine, 100)", std::string("xyz"),
             s.ExpectOk(LABKIT_CALL(Peek, As("mine", c.mine), 100)),
             "a peek waits like recv() and returns what has arrived, up to max");
    peer.Join();
    s.Expect("bytes still queued on mine", 3, Queued(c.mine), "pass MSG_PEEK to recv()");
    TestRecv(s, c.mine, "mine", 16);
    s.Sys("shutdown(peer, SHUT_WR)", ::shutdown(c.peer, SHUT_WR));
    s.Expect("Peek(mine, 100) at end of stream", std::string(""),
             s.ExpectOk("Peek(mine, 100) at end of stream", [&] { return Peek(c.mine, 100); }),
             "at end of stream a peek returns 0 bytes, like recv()");
  });
}

}  // namespace
}  // namespace labkit::lab06
