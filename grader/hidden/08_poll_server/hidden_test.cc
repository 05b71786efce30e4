// Lab 08 hidden tests for the server's parts, one function at a time:
// flags, the line protocol and its limit, accepting, reading and sending.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/08_poll_server/test_support.h"

namespace labkit::lab08 {
namespace {

// A descriptor number that is surely not open.
int ClosedFd(Script& s) {
  int fd = s.Sys("socket(AF_INET, SOCK_STREAM, 0)", ::socket(AF_INET, SOCK_STREAM, 0));
  s.Sys("close(it): its number is now free", ::close(fd));
  return fd;
}

TEST(Poll, SetNonBlockingWorksOnPipesTwiceAndReportsEBADF) {
  RunCase({.points = 2}, [](Script& s) {
    int fds[2];
    s.Sys("pipe()", ::pipe(fds));
    s.ExpectOk("SetNonBlocking(pipe's read end)", [&] { return SetNonBlocking(fds[0]); });
    s.ExpectOk("SetNonBlocking(pipe's read end) again", [&] { return SetNonBlocking(fds[0]); });
    char byte;
    ssize_t n = ::read(fds[0], &byte, 1);
    s.Expect("read(empty pipe)", harness::Errno(EAGAIN), harness::Errno(n < 0 ? errno : 0),
             "the pipe's read end must be non-blocking now");
    s.Expect("O_NONBLOCK on the write end", false, (::fcntl(fds[1], F_GETFL) & O_NONBLOCK) != 0,
             "change only the descriptor you were given");
    int closed = ClosedFd(s);
    s.ExpectError("SetNonBlocking(a descriptor that is not open)", EBADF,
                  [&] { return SetNonBlocking(closed); }, "return fcntl's errno as it is");
  });
}

TEST(Poll, AnswerLinesTreatsEveryByteAsPartOfALine) {
  RunCase({.points = 2}, [](Script& s) {
    auto answer = [&](const std::string& input) {
      return s.Call("AnswerLines(" + harness::EscapeBytes(input) + ")",
                    [&] { return AnswerLines(input); });
    };
    s.Expect("no input", Answers{0, "", false}, answer(""));
    s.Expect("an unfinished line only", Answers{0, "", false}, answer("abc"),
             "a line without its '\\n' waits for the rest");
    s.Expect("an empty line", Answers{1, "0 \n", false}, answer("\n"));
    s.Expect("a line ending in \\r\\n", Answers{4, "3 \rba\n", false}, answer("ab\r\n"),
             "'\\r' is a byte of the line like any other");
    const std::string with_nul("a\0b\n", 4);
    s.Expect("a line holding a NUL byte", Answers{4, std::string("3 b\0a\n", 6), false},
             answer(with_nul), "a NUL byte is part of the line: don't use C string functions");
    s.Expect("a line of 12 bytes, then a part", Answers{13, Reply("hello, world"), false},
             answer("hello, world\nnext"), "the length is in decimal: 12");
  });
}

TEST(Poll, AnswerLinesAnswersTheLongestLineAndStopsInFrontOfALongerOne) {
  RunCase({.points = 3}, [](Script& s) {
    const std::string longest(kMaxLineLength, 'a');
    const std::string longer(kMaxLineLength + 1, 'b');
    auto answer = [&](const std::string& what, const std::string& input) {
      return s.Call("AnswerLines(" + what + ")", [&] { return AnswerLines(input); });
    };
    s.Expect("a whole line of kMaxLineLength bytes",
             Answers{kMaxLineLength + 1, Reply(longest), false},
             answer("1024 bytes and '\\n'", longest + "\n"), "a line of exactly the limit is fine");
    s.Expect("an unfinished line of kMaxLineLength bytes", Answers{0, "", false},
             answer("1024 bytes, no '\\n'", longest), "it may still end in time");
    s.Expect("an unfinished line of kMaxLineLength + 1 bytes", Answers{0, "", true},
             answer("1025 bytes, no '\\n'", longer),
             "a line past the limit is too long before its '\\n' comes");
    s.Expect("\"ok\\n\", then a whole line of 1025 bytes, then \"after\\n\"",
             Answers{3, Reply("ok"), true},
             answer("\"ok\\n\" + 1025 bytes + \"\\nafter\\n\"", "ok\n" + longer + "\nafter\n"),
             "answer the lines before the long one, and stop in front of it");
  });
}

TEST(Poll, AcceptClientReportsWhatCannotBeAccepted) {
  RunCase({.points = 2}, [](Script& s) {
    int before = OpenFds(s, "before");
    int unbound = s.Sys("socket(AF_INET, SOCK_STREAM, 0): not listening",
                        ::socket(AF_INET, SOCK_STREAM, 0));
    s.ExpectError("AcceptClient(a socket that is not listening)", EINVAL,
                  [&] { return AcceptClient(unbound); });
    int fds[2];
    s.Sys("pipe()", ::pipe(fds));
    s.ExpectError("AcceptClient(a pipe)", ENOTSOCK, [&] { return AcceptClient(fds[0]); });
    s.Sys("close the three", ::close(unbound) | ::close(fds[0]) | ::close(fds[1]));
    int closed = ClosedFd(s);
    s.ExpectError("AcceptClient(a descriptor that is not open)", EBADF,
                  [&] { return AcceptClient(closed); });
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds(),
             "a failed accept leaves nothing open");
  });
}

TEST(Poll, AcceptClientTakesIPv6AndUnixClientsNonBlocking) {
  RunCase({.points = 2}, [](Script& s) {
    for (int listener : {TcpListener(s, "::1"), UnixListener(s)}) {
      s.Sys("fcntl(listener, F_SETFL, O_NONBLOCK)", ::fcntl(listener, F_SETFL, O_NONBLOCK));
      int client = s.Sys("connect(client, " + harness::LocalAddress(listener) + ")", Dial(listener));
      int fd = s.ExpectOk("AcceptClient(listener)", [&] { return AcceptClient(listener); });
      s.Expect("getpeername(fd)", Named{harness::LocalAddress(client)},
               Named{harness::PeerAddress(fd)}, "return the new socket, not the listener");
      s.Expect("O_NONBLOCK on fd", true, (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
      char byte;
      ssize_t n = ::recv(fd, &byte, 1, 0);
      s.Expect("recv(fd) before the client sent anything", harness::Errno(EAGAIN),
               harness::Errno(n < 0 ? errno : 0), "the server must never wait in recv");
    }
  });
}

TEST(Poll, ReadAvailableTakesAtMostItsLimitPerCall) {
  RunCase({.points = 3}, [](Script& s) {
    int pair[2];
    s.Sys("socketpair(AF_UNIX, SOCK_STREAM)", ::socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
    s.Sys("fcntl(pair[0], F_SETFL, O_NONBLOCK)", ::fcntl(pair[0], F_SETFL, O_NONBLOCK));
    std::string sent;
    for (size_t i = 0; sent.size() < 2 * kMaxReadPerCall + 1000; ++i) sent += std::to_string(i) + ",";
    SendFrom(s, pair[1], "pair[1], " + std::to_string(sent.size()) + " bytes", sent);
    std::string got;
    for (size_t expected : {kMaxReadPerCall, kMaxReadPerCall, sent.size() - 2 * kMaxReadPerCall}) {
      Received r = s.ExpectOk("ReadAvailable(pair[0])", [&] { return ReadAvailable(pair[0]); });
      s.Expect("bytes this call returned", expected, r.bytes.size(),
               "read until EAGAIN, but no more than kMaxReadPerCall bytes per call");
      got += r.bytes;
    }
    s.Expect("all the bytes, in order", true, got == sent, std::to_string(got.size()) + " bytes");
    s.Expect("ReadAvailable(pair[0]) with nothing left", Received{"", false},
             s.ExpectOk("ReadAvailable(pair[0])", [&] { return ReadAvailable(pair[0]); }));
    s.Sys("close(pair[1])", ::close(pair[1]));
    for (int i = 0; i < 2; ++i) {
      s.Expect("ReadAvailable(pair[0]) after the end", Received{"", true},
               s.ExpectOk("ReadAvailable(pair[0])", [&] { return ReadAvailable(pair[0]); }),
               "recv returns 0 on every call after the end of the stream");
    }
  });
}

TEST(Poll, ReadAvailableReportsAResetAndABadDescriptor) {
  RunCase({.points = 2}, [](Script& s) {
    Pair pair = ConnectedPair(s);
    SendFrom(s, pair.client, "client", "abc");
    linger abort_on_close{1, 0};
    s.Sys("setsockopt(client, SO_LINGER, {on, 0 s})",
          ::setsockopt(pair.client, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close));
    s.Sys("close(client): resets the connection", ::close(pair.client));
    AwaitReady(s, pair.server, POLLERR, "server end, POLLERR");
    s.ExpectError("ReadAvailable(server end)", ECONNRESET, [&] { return ReadAvailable(pair.server); },
                  "a reset is an error: return it, even after bytes came");
    int closed = ClosedFd(s);
    s.ExpectError("ReadAvailable(a descriptor that is not open)", EBADF,
                  [&] { return ReadAvailable(closed); });
  });
}

TEST(Poll, SendAvailableStopsWhenTheSocketIsFullAndKeepsTheOrder) {
  RunCase({.points = 3, .timeout_ms = 4000}, [](Script& s) {
    // AF_UNIX: its send buffer stays full while the peer reads nothing.
    int fds[2];
    s.Sys("socketpair(AF_UNIX, SOCK_STREAM)", ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    s.Sys("fcntl(server end, F_SETFL, O_NONBLOCK)", ::fcntl(fds[0], F_SETFL, O_NONBLOCK));
    BoundWaits(fds[1]);
    Pair pair{fds[1], fds[0]};
    // 2 MiB that tell their positions apart (a repeating pattern of 251 bytes).
    std::string big(2u << 20, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('0' + i % 251 % 64);
    size_t sent = s.ExpectOk("SendAvailable(server end, " + std::to_string(big.size()) +
                                 " bytes) to a client that does not read",
                             [&] { return SendAvailable(pair.server, big); });
    s.ExpectTrue("some but not all were sent", sent > 0 && sent < big.size(),
                 std::to_string(sent) + " bytes",
                 "send until EAGAIN, and return how much went: never wait for the client");
    std::string rest = big.substr(sent);
    s.Expect("SendAvailable(server end, the rest) while still full", size_t{0},
             s.ExpectOk("SendAvailable(server end, the rest)",
                        [&] { return SendAvailable(pair.server, rest); }),
             "a full socket takes nothing: that is 0, not an error");
    Peers reader;
    reader.server_done = true;
    std::string got = reader.ReceiveUpTo(pair.client, sent, 2000);
    s.Expect("what the client receives: the first bytes, in order", true,
             got == big.substr(0, sent), std::to_string(got.size()) + " bytes");
  });
}

TEST(Poll, SendAvailableReportsAPeerThatIsGoneWithoutSigpipe) {
  RunCase({.points = 3}, [](Script& s) {
    Pair pair = ConnectedPair(s);
    s.Sys("shutdown(server end, SHUT_WR)", ::shutdown(pair.server, SHUT_WR));
    s.ExpectError("SendAvailable(server end, \"x\")", EPIPE,
                  [&] { return SendAvailable(pair.server, "x"); },
                  "send with MSG_NOSIGNAL, and return EPIPE: SIGPIPE would kill the server");
    Pair reset = ConnectedPair(s);
    linger abort_on_close{1, 0};
    s.Sys("setsockopt(client, SO_LINGER, {on, 0 s})",
          ::setsockopt(reset.client, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close));
    s.Sys("close(client): resets the connection", ::close(reset.client));
    AwaitReady(s, reset.server, POLLERR, "server end, POLLERR");
    s.ExpectError("SendAvailable(server end, \"x\")", ECONNRESET,
                  [&] { return SendAvailable(reset.server, "x"); });
    int closed = ClosedFd(s);
    s.ExpectError("SendAvailable(a descriptor that is not open, \"x\")", EBADF,
                  [&] { return SendAvailable(closed, "x"); });
  });
}

}  // namespace
}  // namespace labkit::lab08
