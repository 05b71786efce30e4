// Lab 06 hidden tests, part 2: the flags (MSG_OOB, MSG_DONTROUTE) and
// sendto/recvfrom on a connected stream. Graded together with the public ones.
#include <poll.h>
#include <signal.h>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/06_send_recv/test_support.h"

namespace labkit::lab06 {
namespace {

TEST(SendRecv, UrgentMarkSplitsTheStream) {
  RunCase({.points = 3}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "ab");
    TestSend(s, c.peer, "peer", "c", MSG_OOB);
    TestSend(s, c.peer, "peer", "def");
    s.ExpectTrue("poll(mine, POLLPRI): urgent data is announced",
                 harness::WaitFor(c.mine, POLLPRI, kWaitMs), "no POLLPRI within 1 s");
    s.Expect("AtUrgentMark(mine)", false, s.ExpectOk(LABKIT_CALL(AtUrgentMark, As("mine", c.mine))),
             "\"ab\" was sent before the urgent byte and is still unread: not at the mark yet");
    s.Expect("a plain recv() stops at the mark", std::string("ab"),
             TestRecv(s, c.mine, "mine", 16));
    s.Expect("AtUrgentMark(mine) after \"ab\"", true,
             s.ExpectOk("AtUrgentMark(mine) after \"ab\"", [&] { return AtUrgentMark(c.mine); }),
             "ioctl(fd, SIOCATMARK, &flag) sets an int to 1 at the mark");
    s.Expect("RecvUrgent(mine)", 'c', s.ExpectOk(LABKIT_CALL(RecvUrgent, As("mine", c.mine))),
             "read the urgent byte with recv(..., MSG_OOB); a plain recv() skips it");
    s.ExpectError("RecvUrgent(mine) again", EINVAL, [&] { return RecvUrgent(c.mine); },
                  "the urgent byte can be read once; then recv(MSG_OOB) fails with EINVAL");
    s.Expect("the stream goes on", std::string("def"), TestRecv(s, c.mine, "mine", 16));
    s.Expect("AtUrgentMark(mine) at the end", false,
             s.ExpectOk("AtUrgentMark(mine) at the end", [&] { return AtUrgentMark(c.mine); }));
  });
}

TEST(SendRecv, UrgentCallsReportTheirErrors) {
  RunCase({.points = 1}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "plain");
    ExpectReadable(s, c.mine, "mine");
    s.ExpectError("RecvUrgent(mine) with no urgent byte sent", EINVAL,
                  [&] { return RecvUrgent(c.mine); },
                  "recv(MSG_OOB) fails with EINVAL when no urgent byte waits: return that");
    s.Expect("bytes still queued on mine", 5, Queued(c.mine),
             "RecvUrgent must not take ordinary bytes: use MSG_OOB");
    int pipe_fds[2];
    s.Sys("pipe() -> a descriptor that is not a socket", ::pipe(pipe_fds));
    s.ExpectError(LABKIT_CALL(AtUrgentMark, As("pipe", pipe_fds[0])), ENOTTY,
                  "return the errno of ioctl()/sockatmark()");
    int udp = s.Sys("socket(AF_INET, SOCK_DGRAM, 0)", ::socket(AF_INET, SOCK_DGRAM, 0));
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("127.0.0.1", 9, address);
    s.Sys("connect(udp, 127.0.0.1:9)", ::connect(udp, reinterpret_cast<sockaddr*>(&address), length));
    s.ExpectError(LABKIT_CALL(SendUrgent, As("udp", udp), As("'!'", '!')), EOPNOTSUPP,
                  "a datagram socket has no urgent data: send(MSG_OOB) says EOPNOTSUPP");
  });
}

TEST(SendRecv, SendDontRouteDeliversOnLoopback) {
  RunCase({.points = 2}, [](Script& s) {
    Connection c = TcpConnection(s);
    ExpectLargeSendArrives(s, c, "SendDontRoute", SendDontRoute, 128 * 1024,
                           "MSG_DONTROUTE only forbids gateways; loopback is directly attached",
                           "send every byte, as SendAll does");
    // On loopback the flag changes nothing the peer can see, so the calls
    // themselves are checked: every send of SendDontRoute must carry it.
    ExpectEverySendCarries(s, "SendDontRoute", "MSG_DONTROUTE");
    ::signal(SIGPIPE, SIG_DFL);
    s.Note("SIGPIPE has its default action: it would kill this process");
    Connection u = UnixConnection(s);
    s.Sys("close(peer)", ::close(u.peer));
    s.ExpectError(LABKIT_CALL(SendDontRoute, As("mine", u.mine), "x"), EPIPE,
                  "MSG_NOSIGNAL belongs here too");
  });
}

TEST(SendRecv, SendToConnectedOnlyTcpIgnoresTheAddress) {
  RunCase({.points = 3}, [](Script& s) {
    Connection c = TcpConnection(s);
    int elsewhere = s.Sys("socket(AF_INET, SOCK_STREAM, 0) -> elsewhere",
                          ::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_storage address;
    socklen_t length = harness::MakeInetAddress("127.0.0.1", 0, address);
    s.Sys("bind(elsewhere, 127.0.0.1:0)",
          ::bind(elsewhere, reinterpret_cast<sockaddr*>(&address), length));
    s.Sys(sys::Listen(As("elsewhere", elsewhere), 1));
    const uint16_t port = harness::LocalPort(elsewhere);
    const std::string call = "SendToConnected(mine, \"to the peer\", \"127.0.0.1\", " +
                             std::to_string(port) + ")";
    s.ExpectOk(call, [&] { return SendToConnected(c.mine, "to the peer", "127.0.0.1", port); });
    s.Expect("the connected peer receives it", std::string("to the peer"),
             TestRecv(s, c.peer, "peer", 64));
    s.Expect("a connection waits at elsewhere", false, harness::WaitFor(elsewhere, POLLIN, 0),
             "on a connected TCP socket the kernel ignores sendto's address");
    s.ExpectOk(LABKIT_CALL(SendToConnected, As("mine", c.mine), "v6", "::1", 9),
               "accept an IPv6 address too: try inet_pton with AF_INET6");
    s.Expect("the connected peer receives it", std::string("v6"), TestRecv(s, c.peer, "peer", 64));
    s.ExpectError(LABKIT_CALL(SendToConnected, As("mine", c.mine), "nope", "not-an-address", 80),
                  EINVAL, "inet_pton() returns 0 for both families: give EINVAL and send nothing");
    TestSend(s, c.mine, "mine", "end");
    s.Expect("the next bytes the peer receives", std::string("end"),
             TestRecv(s, c.peer, "peer", 64), "nothing may be sent for an address that is bad");
    Connection u = UnixConnection(s);
    s.ExpectError(LABKIT_CALL(SendToConnected, As("unix mine", u.mine), "hi", "127.0.0.1", 80),
                  EISCONN,
                  "pass the address to sendto(): an AF_UNIX stream socket refuses one with "
                  "EISCONN, where TCP ignores it");
  });
}

TEST(SendRecv, RecvFromConnectedReportsNoAddress) {
  RunCase({.points = 2, .timeout_ms = 1000}, [](Script& s) {
    Connection c = TcpConnection(s);
    TestSend(s, c.peer, "peer", "hello");
    ExpectReadable(s, c.mine, "mine");
    Received first = s.ExpectOk(LABKIT_CALL(RecvFromConnected, As("mine", c.mine), 64));
    s.Expect("its data", std::string("hello"), first.data,
             "keep only as many bytes as recvfrom() returned");
    s.Expect("its address length", socklen_t{0}, first.address_length,
             "report the length recvfrom() wrote back into its last argument; on TCP it is 0");
    TestSend(s, c.peer, "peer", "world");
    s.Sys("shutdown(peer, SHUT_WR)", ::shutdown(c.peer, SHUT_WR));
    ExpectReadable(s, c.mine, "mine");
    s.Expect("RecvFromConnected(mine, 3)", std::string("wor"),
             s.ExpectOk(LABKIT_CALL(RecvFromConnected, As("mine", c.mine), 3)).data,
             "never more than max bytes");
    s.Expect("RecvFromConnected(mine, 64)", std::string("ld"),
             s.ExpectOk(LABKIT_CALL(RecvFromConnected, As("mine", c.mine), 64)).data);
    s.Expect("RecvFromConnected(mine, 64) at end of stream", std::string(""),
             s.ExpectOk("RecvFromConnected(mine, 64) at end of stream",
                        [&] { return RecvFromConnected(c.mine, 64); })
                 .data,
             "end of stream is 0 bytes");
  });
}

}  // namespace
}  // namespace labkit::lab06
