// Lab 06 hidden tests, part 4: the edges of every function's input. Empty
// data and zero sizes, exact sizes (what was sent, one more, one less),
// a NUL urgent byte, quiet pauses in a stream, and descriptor 0. Graded
// together with the public ones.
#include <poll.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/06_send_recv/test_support.h"

namespace labkit::lab06 {
namespace {

TEST(SendRecv, EmptyDataGoesThroughEverySender) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    const uint16_t port = harness::LocalPort(c.peer);
    const char* hint = "nothing to send is not an error: send() returning 0 for 0 bytes is "
                       "success, not a closed peer";
    s.ExpectOk(LABKIT_CALL(SendDontRoute, As("mine", c.mine), ""), hint);
    s.ExpectOk(
        LABKIT_CALL(SendToConnected, As("mine", c.mine), "", "127.0.0.1", As("peer's port", port)),
        hint);
    s.ExpectOk(LABKIT_CALL(SendToConnected, As("mine", c.mine), "", "::1", 9), hint);
    s.ExpectError(LABKIT_CALL(SendToConnected, As("mine", c.mine), "", "nowhere", 80), EINVAL,
                  "the address is checked even when there is nothing to send");
    TestSend(s, c.mine, "mine", "end");
    s.Expect("what the peer receives", std::string("end"), TestRecv(s, c.peer, "peer", 64),
             "empty data must not put anything on the stream");
  });
}

TEST(SendRecv, ReceiversAskedForNothingTakeNothing) {
  RunCase({.points = 1, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    s.Note("nothing has been sent on the connection yet");
    s.Expect("RecvExact(mine, 0)", std::string(""),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 0)),
             "n == 0 returns \"\" at once: a recv() of 0 bytes on a TCP socket waits for data, "
             "so do not call it when nothing is missing");
    TestSend(s, c.peer, "peer", "abc");
    ExpectReadable(s, c.mine, "mine");
    s.Expect("Peek(mine, 0)", std::string(""),
             s.ExpectOk(LABKIT_CALL(Peek, As("mine", c.mine), 0)));
    s.Expect("RecvFromConnected(mine, 0)", std::string(""),
             s.ExpectOk(LABKIT_CALL(RecvFromConnected, As("mine", c.mine), 0)).data);
    s.Expect("bytes still queued on mine", 3, Queued(c.mine), "max == 0 takes no byte");
    s.Expect("RecvExact(mine, 3)", std::string("abc"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 3)));
  });
}

TEST(SendRecv, RecvExactOfExactlyWhatWasSentAndOneMore) {
  RunCase({.points = 1, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "abcde");
    s.Sys("shutdown(peer, SHUT_WR)", ::shutdown(c.peer, SHUT_WR));
    s.Expect("RecvExact(mine, 5)", std::string("abcde"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 5)),
             "all 5 bytes arrived: that is exactly n, success");
    s.Expect("RecvExact(mine, 1) after them", std::string(""),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 1)),
             "end of stream with nothing received is \"\", not an error");
    Connection d = TcpConnection(s);
    TestSend(s, d.peer, "peer", "abcde");
    s.Sys("shutdown(peer, SHUT_WR)", ::shutdown(d.peer, SHUT_WR));
    s.Expect("RecvExact(mine, 6)", std::string("abcde"),
             s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", d.mine), 6)),
             "one byte short at end of stream: return the 5 that came");
  });
}

// Waits (bounded) until fd's receive queue holds `bytes` bytes.
void ExpectQueued(Script& s, int fd, int bytes) {
  bool all = harness::SpinUntil([&] { return Queued(fd) == bytes; }, kWaitMs);
  s.ExpectTrue("all " + std::to_string(bytes) + " bytes are queued on mine", all,
               std::to_string(Queued(fd)) + " bytes");
}

TEST(SendRecv, PeekAndRecvFromConnectedTakeAllThatArrivedUpToMax) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    const std::string payload = Pattern(70000);
    TestSend(s, c.peer, "peer", payload);
    ExpectQueued(s, c.mine, 70000);
    const char* hint = "receive into a buffer of max bytes, not a fixed array: one recv() "
                       "returns all that is queued, up to its length";
    std::string got;
    Named peeked = s.ExpectOk("Peek(mine, 70000)", [&] {
      return CompareResult(Peek(c.mine, 70000), payload, got);
    });
    s.Expect("what Peek(mine, 70000) returned", Named{Compare(payload, payload)}, peeked, hint);
    const std::string less = payload.substr(0, 69999);
    Named fewer = s.ExpectOk("Peek(mine, 69999)", [&] {
      return CompareResult(Peek(c.mine, 69999), less, got);
    });
    s.Expect("what Peek(mine, 69999) returned", Named{Compare(less, less)}, fewer,
             "never more than max bytes");
    Received received = s.ExpectOk(LABKIT_CALL(RecvFromConnected, As("mine", c.mine), 70000));
    s.Expect("what RecvFromConnected(mine, 70000) returned", Named{Compare(payload, payload)},
             Named{Compare(received.data, payload)}, hint);
    s.Expect("bytes still queued on mine", 0, Queued(c.mine));
  });
}

TEST(SendRecv, RecvUntilEofWaitsThroughQuietPauses) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    const pid_t me = ThisThread();
    TestSend(s, c.peer, "peer", "ab");
    s.Note("a peer thread waits until RecvUntilEof has taken \"ab\" and waits for more, sends "
           "\"cd\", waits for that again, then ends the stream");
    PeerThread peer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      auto waiting = [&] {
        return Queued(c.mine) == 0 && BlockedOn(me, c.mine, Direction::kReceiving);
      };
      report.done_its_part = WaitUntil(waiting, returned) &&
                             ::send(c.peer, "cd", 2, MSG_NOSIGNAL) == 2 &&
                             WaitUntil(waiting, returned) && ::shutdown(c.peer, SHUT_WR) == 0;
      return report;
    });
    std::string got = s.ExpectOk(LABKIT_CALL(RecvUntilEof, As("mine", c.mine)));
    peer.Join();
    s.Expect("RecvUntilEof(mine)", std::string("abcd"), got,
             "a recv() that returns fewer bytes than the buffer holds is not the end: only 0 "
             "is");
  });
}

TEST(SendRecv, UrgentNulByteIsAByteLikeAnyOther) {
  RunCase({.points = 1}, [](Script& s) {
    Connection c = TcpConnection(s);
    s.ExpectOk(LABKIT_CALL(SendUrgent, As("mine", c.mine), As("'\\0'", '\0')),
               "send exactly one byte, whatever its value");
    s.ExpectTrue("poll(peer, POLLPRI): urgent data is announced",
                 harness::WaitFor(c.peer, POLLPRI, kWaitMs), "no POLLPRI within 1 s",
                 "the byte is 1 byte long even when it is '\\0': not a C string");
    s.Expect("recv(peer, 1, MSG_OOB)", std::string(1, '\0'),
             TestRecv(s, c.peer, "peer", 1, MSG_OOB));
    TestSend(s, c.peer, "peer", std::string(1, '\0'), MSG_OOB);
    s.ExpectTrue("poll(mine, POLLPRI)", harness::WaitFor(c.mine, POLLPRI, kWaitMs),
                 "no POLLPRI within 1 s");
    s.Expect("RecvUrgent(mine)", '\0',
             s.ExpectOk(LABKIT_CALL(RecvUrgent, As("mine", c.mine)),
                        "a '\\0' urgent byte is a byte that arrived, not \"no byte\""));
  });
}

TEST(SendRecv, DescriptorZeroIsASocketLikeAnyOther) {
  RunCase({.points = 1, .timeout_ms = 1000}, [](Script& s) {
    ::close(0);
    s.Note("close(0): this case has no standard input");
    Connection c = UnixConnection(s);
    s.Expect("mine, the lowest free descriptor", 0, c.mine);
    const char* hint = "0 is a valid descriptor: only -1 means none";
    s.ExpectOk(LABKIT_CALL(SendAll, 0, "zero"), hint);
    s.Expect("what the peer receives", std::string("zero"), TestRecv(s, c.peer, "peer", 64));
    TestSend(s, c.peer, "peer", "back");
    s.Expect("RecvExact(0, 4)", std::string("back"),
             s.ExpectOk(LABKIT_CALL(RecvExact, 0, 4), hint));
    s.Sys("shutdown(peer, SHUT_WR)", ::shutdown(c.peer, SHUT_WR));
    s.Expect("RecvUntilEof(0)", std::string(""), s.ExpectOk(LABKIT_CALL(RecvUntilEof, 0), hint));
  });
}

}  // namespace
}  // namespace labkit::lab06
