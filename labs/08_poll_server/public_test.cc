// Lab 08 public tests: run them with `./labkit check 08`.
//
// Each case is a script of numbered steps; a failing one prints them all,
// the step that failed, and expected against actual. The test makes the
// listeners and plays the clients itself, on a thread of its own while your
// server runs. The grader runs these and more (the hidden tests) in the
// same style.
#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "labs/08_poll_server/test_support.h"

namespace labkit::lab08 {
namespace {

TEST(Poll, SetNonBlockingAddsTheFlagAndKeepsTheOthers) {
  RunCase({.points = 2}, [](Script& s) {
    const std::string path = harness::MakeTempDir() + "/log";
    int file = s.Sys("open(\"" + path + "\", O_WRONLY|O_CREAT|O_APPEND)",
                     ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600));
    s.ExpectOk("SetNonBlocking(file)", [&] { return SetNonBlocking(file); });
    const int flags = ::fcntl(file, F_GETFL);
    s.Expect("O_NONBLOCK in fcntl(file, F_GETFL)", true, (flags & O_NONBLOCK) != 0,
             "add O_NONBLOCK to the flags F_GETFL gave you, and set them with F_SETFL");
    s.Expect("O_APPEND in fcntl(file, F_GETFL)", true, (flags & O_APPEND) != 0,
             "F_SETFL replaces the flags: keep the ones F_GETFL returned");
    Pair pair = ConnectedPair(s, false);
    s.ExpectOk("SetNonBlocking(socket)", [&] { return SetNonBlocking(pair.server); });
    char byte;
    ssize_t n = ::recv(pair.server, &byte, 1, 0);
    s.Expect("recv(socket) with nothing to read", harness::Errno(EAGAIN),
             harness::Errno(n < 0 ? errno : 0), "a non-blocking recv fails with EAGAIN");
  });
}

TEST(Poll, AnswersWholeLinesAndKeepsTheRest) {
  RunCase({.points = 2}, [](Script& s) {
    s.Expect("AnswerLines(\"hello\\nwor\")", Answers{6, "5 olleh\n", false},
             s.Call("AnswerLines(\"hello\\nwor\")", [] { return AnswerLines("hello\nwor"); }),
             "answer \"hello\" and leave \"wor\": its '\\n' has not come yet");
    s.Expect("AnswerLines(\"ab\\n\\nxyz\\n\")", Answers{8, Reply("ab") + Reply("") + Reply("xyz"), false},
             s.Call("AnswerLines(\"ab\\n\\nxyz\\n\")", [] { return AnswerLines("ab\n\nxyz\n"); }),
             "an empty line is answered \"0 \\n\"");
  });
}

TEST(Poll, AcceptsAClientAsANonBlockingSocket) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    s.Sys("fcntl(listener, F_SETFL, O_NONBLOCK)", ::fcntl(listener, F_SETFL, O_NONBLOCK));
    int client = s.Sys("connect(client, listener)", Dial(listener));
    int fd = s.ExpectOk("AcceptClient(listener)", [&] { return AcceptClient(listener); });
    s.ExpectTrue("fd is not the listener", fd != listener, "fd " + std::to_string(fd));
    s.Expect("O_NONBLOCK on the client's socket", true, (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0,
             "accept4(..., SOCK_NONBLOCK), or make it non-blocking after accept");
    SendFrom(s, client, "client", "hi");
    AwaitReady(s, fd, POLLIN, "fd, POLLIN");
    char buffer[4] = {};
    s.Sys("recv(fd)", static_cast<int>(::recv(fd, buffer, sizeof buffer, 0)));
    s.Expect("what the accepted socket received", std::string("hi"), std::string(buffer));
    s.ExpectError("AcceptClient(listener) with nobody waiting", EAGAIN,
                  [&] { return AcceptClient(listener); }, "return accept's errno as it is");
  });
}

TEST(Poll, ReadsWhatIsWaitingWithoutWaitingForMore) {
  RunCase({.points = 2}, [](Script& s) {
    Pair pair = ConnectedPair(s);
    SendFrom(s, pair.client, "client", "abc");
    AwaitReady(s, pair.server, POLLIN, "server end, POLLIN");
    s.Expect("ReadAvailable(server end)", Received{"abc", false},
             s.ExpectOk("ReadAvailable(server end)", [&] { return ReadAvailable(pair.server); }),
             "recv until EAGAIN: that is what is waiting now");
    s.Expect("ReadAvailable(server end) with nothing waiting", Received{"", false},
             s.ExpectOk("ReadAvailable(server end)", [&] { return ReadAvailable(pair.server); },
                        "EAGAIN on a non-blocking socket means: nothing more for now"));
    SendFrom(s, pair.client, "client", "bye");
    s.Sys("shutdown(client, SHUT_WR)", ::shutdown(pair.client, SHUT_WR));
    AwaitReady(s, pair.server, POLLRDHUP, "server end, POLLRDHUP");
    s.Expect("ReadAvailable(server end) after \"bye\" and the end of the stream",
             Received{"bye", true},
             s.ExpectOk("ReadAvailable(server end)", [&] { return ReadAvailable(pair.server); }),
             "recv returning 0 means the client ended its stream: set `closed`");
  });
}

TEST(Poll, SendsWhatTheSocketTakes) {
  RunCase({.points = 2}, [](Script& s) {
    Pair pair = ConnectedPair(s);
    s.Expect("SendAvailable(server end, \"hello\")", size_t{5},
             s.ExpectOk("SendAvailable(server end, \"hello\")",
                        [&] { return SendAvailable(pair.server, "hello"); }));
    char buffer[8] = {};
    s.Sys("recv(client)", static_cast<int>(::recv(pair.client, buffer, sizeof buffer, 0)));
    s.Expect("what the client received", std::string("hello"), std::string(buffer));
    s.Expect("SendAvailable(server end, \"\")", size_t{0},
             s.ExpectOk("SendAvailable(server end, \"\")",
                        [&] { return SendAvailable(pair.server, ""); }));
  });
}

TEST(Poll, AnswersTwoClientsAtOnce) {
  RunCase({.points = 3, .timeout_ms = 2000}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    ServerConfig config{{listener}, stop.read_end};
    SysResult<ServeStats> result = ServeWhile(
        s, config, stop.write_end,
        "first sends half a line, second a whole one, then first the rest",
        [&](Peers& peers) {
          int first = Dial(listener), second = Dial(listener);
          if (first < 0 || second < 0) return (void)peers.Fail("connect failed");
          ::send(first, "hel", 3, MSG_NOSIGNAL);
          peers.Log("first sent \"hel\"");
          ::send(second, "world\n", 6, MSG_NOSIGNAL);
          peers.Log("second sent \"world\\n\"");
          if (!peers.ExpectReceive(second, "second", Reply("world"))) return;
          peers.Log("second got its answer while first's line is unfinished");
          ::send(first, "lo\n", 3, MSG_NOSIGNAL);
          peers.Log("first sent \"lo\\n\"");
          if (!peers.ExpectReceive(first, "first", Reply("hello"))) return;
          peers.Log("first got " + harness::EscapeBytes(Reply("hello")));
        });
    s.Expect("RunServer's result", harness::Show(SysResult<ServeStats>::Ok({2, 2})),
             harness::Show(result), "count every client accepted and every line answered");
  });
}

TEST(Poll, ServesIPv4IPv6AndUnixListenersAndClosesClientsOnStop) {
  RunCase({.points = 3, .timeout_ms = 2000}, [](Script& s) {
    std::vector<int> listeners = {TcpListener(s, "127.0.0.1"), TcpListener(s, "::1"),
                                  UnixListener(s)};
    StopPipe stop = MakeStopPipe(s);
    ServerConfig config{listeners, stop.read_end};
    std::vector<int> clients;
    ServeWhile(s, config, stop.write_end, "a client per listener sends a line and waits",
               [&](Peers& peers) {
                 for (int listener : listeners) {
                   int fd = Dial(listener);
                   if (fd < 0) return (void)peers.Fail("connect failed");
                   clients.push_back(fd);
                   std::string line = "to " + harness::LocalAddress(listener);
                   ::send(fd, (line + "\n").data(), line.size() + 1, MSG_NOSIGNAL);
                   if (!peers.ExpectReceive(fd, line, Reply(line))) return;
                   peers.Log("answered: " + line);
                 }
               });
    for (size_t i = 0; i < clients.size(); ++i) {
      Peers after;
      after.server_done = true;
      after.ExpectEnd(clients[i], "client " + std::to_string(i + 1));
      after.Report(s);
    }
    s.Expect("clients left open after RunServer returned", 3, static_cast<int>(clients.size()),
             "every listener's client was served");
  });
}

}  // namespace
}  // namespace labkit::lab08
