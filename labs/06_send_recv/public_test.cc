// Lab 06 public tests: run them with `./labkit check 06`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. In every case the
// test makes a connected pair of sockets: `mine` goes to your code, `peer`
// is the test's own end. Some peers run on a thread of their own, like a
// real program at the other end would. The grader runs these and more (the
// hidden tests) in the same style.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/06_send_recv/test_support.h"

namespace labkit::lab06 {
namespace {

TEST(SendRecv, SendAllDeliversEveryByteInOrder) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    s.ExpectOk(LABKIT_CALL(SendAll, As("mine", c.mine), ""), "nothing to send is not an error");
    ExpectLargeSendArrives(s, c, "SendAll", SendAll, 256 * 1024, "",
                           "send() may take only part of the buffer: loop until every byte is out");
  });
}

TEST(SendRecv, RecvExactCollectsBytesSentOneAtATime) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    const std::string message = "hello, world";
    s.Note("a peer thread sends " + harness::EscapeBytes(message) +
           " one byte at a time, each once the one before it was read");
    PeerThread writer([&](const std::atomic<bool>& returned) {
      PeerReport report;
      for (char byte : message) {
        if (!WaitUntil([&] { return Queued(c.mine) == 0; }, returned)) return report;
        if (::send(c.peer, &byte, 1, MSG_NOSIGNAL) != 1) return report;
      }
      report.done_its_part = true;
      return report;
    });
    std::string got = s.ExpectOk(LABKIT_CALL(RecvExact, As("mine", c.mine), 12));
    writer.Join();
    s.Expect("RecvExact(mine, 12)", message, got,
             "one recv() returns what has arrived so far, here a single byte: keep "
             "receiving until you have all n");
  });
}

TEST(SendRecv, RecvUntilEofReadsToTheOrderlyClose) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "abc");
    TestSend(s, c.peer, "peer", "defg");
    s.Sys("shutdown(peer, SHUT_WR): the peer is done sending", ::shutdown(c.peer, SHUT_WR));
    s.Expect("RecvUntilEof(mine)", std::string("abcdefg"),
             s.ExpectOk(LABKIT_CALL(RecvUntilEof, As("mine", c.mine))),
             "a stream keeps no message boundaries: collect until recv() returns 0");
    s.Expect("RecvUntilEof(mine) again", std::string(""),
             s.ExpectOk("RecvUntilEof(mine) again", [&] { return RecvUntilEof(c.mine); }),
             "after end of stream, every recv() returns 0 at once");
    TestSend(s, c.mine, "mine", "thanks");
    s.Expect("the peer still receives after its own SHUT_WR", std::string("thanks"),
             TestRecv(s, c.peer, "peer", 16));
  });
}

TEST(SendRecv, PeekLeavesTheBytesForTheNextRecv) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "hello");
    ExpectReadable(s, c.mine, "mine");
    for (const char* when : {"Peek(mine, 3)", "Peek(mine, 3) again"}) {
      s.Expect(when, std::string("hel"), s.ExpectOk(when, [&] { return Peek(c.mine, 3); }),
               "MSG_PEEK copies the bytes out and leaves them queued; without it they are gone");
    }
    s.Expect("what the next recv() returns", std::string("hello"),
             TestRecv(s, c.mine, "mine", 16), "a peek must not take the bytes");
  });
}

TEST(SendRecv, UrgentByteTravelsOutOfBand) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.mine, "mine", "ab");
    s.ExpectOk(LABKIT_CALL(SendUrgent, As("mine", c.mine), As("'c'", 'c')));
    TestSend(s, c.mine, "mine", "def");
    s.ExpectTrue("poll(peer, POLLPRI): urgent data is announced",
                 harness::WaitFor(c.peer, POLLPRI, kWaitMs), "no POLLPRI within 1 s",
                 "send the byte with the MSG_OOB flag");
    s.Expect("a plain recv() stops at the urgent byte", std::string("ab"),
             TestRecv(s, c.peer, "peer", 16));
    s.Expect("RecvUrgent(peer)", 'c',
             s.ExpectOk(LABKIT_CALL(RecvUrgent, As("peer", c.peer)),
                        "the urgent byte is read with recv(..., MSG_OOB)"));
    s.Expect("the stream goes on after the urgent byte", std::string("def"),
             TestRecv(s, c.peer, "peer", 16));
  });
}

TEST(SendRecv, SendAllSurvivesAPeerThatHungUp) {
  RunCase({.points = 2}, [](Script& s) {
    ::signal(SIGPIPE, SIG_DFL);
    s.Note("SIGPIPE has its default action: it would kill this process");
    Connection c = UnixConnection(s);
    s.Sys("close(peer): nobody will read any more", ::close(c.peer));
    s.ExpectError(LABKIT_CALL(SendAll, As("mine", c.mine), "hello"), EPIPE,
                  "pass MSG_NOSIGNAL to every send(): the call then fails with EPIPE instead "
                  "of the process dying of SIGPIPE");
  });
}

TEST(SendRecv, AtUrgentMarkTellsWhenTheMarkIsNext) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "ab");
    TestSend(s, c.peer, "peer", "c", MSG_OOB);
    s.ExpectTrue("poll(mine, POLLPRI): urgent data is announced",
                 harness::WaitFor(c.mine, POLLPRI, kWaitMs), "no POLLPRI within 1 s");
    s.Expect("AtUrgentMark(mine)", false, s.ExpectOk(LABKIT_CALL(AtUrgentMark, As("mine", c.mine))),
             "\"ab\" came before the urgent byte and is unread: not at the mark yet");
    s.Expect("a plain recv() stops at the mark", std::string("ab"),
             TestRecv(s, c.mine, "mine", 16));
    s.Expect("AtUrgentMark(mine) after \"ab\"", true,
             s.ExpectOk("AtUrgentMark(mine) after \"ab\"", [&] { return AtUrgentMark(c.mine); }),
             "ioctl(fd, SIOCATMARK, &flag) sets an int flag; return flag != 0");
  });
}

TEST(SendRecv, SendDontRouteDeliversAndKeepsTheFlag) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    s.ExpectOk(LABKIT_CALL(SendDontRoute, As("mine", c.mine), "direct"),
               "loopback is directly attached: the data simply arrives");
    ExpectEverySendCarries(s, "SendDontRoute", "MSG_DONTROUTE");
    s.Expect("what the peer receives", std::string("direct"), TestRecv(s, c.peer, "peer", 64));
  });
}

TEST(SendRecv, SendToConnectedReachesTheConnectedPeer) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    const uint16_t port = harness::LocalPort(c.peer);
    const std::string call =
        "SendToConnected(mine, \"hi\", \"127.0.0.1\", " + std::to_string(port) + ")";
    s.ExpectOk(call, [&] { return SendToConnected(c.mine, "hi", "127.0.0.1", port); },
               "build a sockaddr_in with inet_pton and htons, and pass it to sendto()");
    s.Expect("what the peer receives", std::string("hi"), TestRecv(s, c.peer, "peer", 64));
    s.ExpectError(LABKIT_CALL(SendToConnected, As("mine", c.mine), "no", "not-an-address", 80),
                  EINVAL, "inet_pton() returns 0 for text that is not a numeric address: EINVAL");
  });
}

TEST(SendRecv, RecvFromConnectedReturnsTheBytesAndTheLength) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "hello");
    ExpectReadable(s, c.mine, "mine");
    Received got = s.ExpectOk(LABKIT_CALL(RecvFromConnected, As("mine", c.mine), 64));
    s.Expect("its data", std::string("hello"), got.data,
             "keep only as many bytes as recvfrom() returned");
    s.Expect("its address length", socklen_t{0}, got.address_length,
             "report the length recvfrom() wrote back; a TCP socket reports 0");
  });
}

}  // namespace
}  // namespace labkit::lab06
