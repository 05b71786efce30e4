// Lab 08 hidden tests for RunServer: its config, lines in pieces, clients
// that end their stream, reset or send too much, and stopping.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/harness/interrupt.h"
#include "grader/hidden/08_poll_server/hidden_support.h"
#include "labs/08_poll_server/test_support.h"

namespace labkit::lab08 {
namespace {

TEST(Poll, RunServerRejectsABadConfigAndOpensNothing) {
  RunCase({.points = 2}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    int before = OpenFds(s, "before");
    s.ExpectError("RunServer({no listeners, stop pipe})", EINVAL,
                  [&] { return RunServer(ServerConfig{{}, stop.read_end}); });
    s.ExpectError("RunServer({listener, stop_fd -1})", EINVAL,
                  [&] { return RunServer(ServerConfig{{listener}, -1}); });
    int closed = s.Sys("socket()", ::socket(AF_INET, SOCK_STREAM, 0));
    s.Sys("close(it): its number is now free", ::close(closed));
    s.ExpectError("RunServer({listener, a descriptor that is not open})", EBADF,
                  [&] { return RunServer(ServerConfig{{listener, closed}, stop.read_end}); },
                  "SetNonBlocking each listener first, and return its error");
    s.Expect("descriptors open afterwards", before, harness::CountOpenFds());
  });
}

TEST(Poll, RunServerLeavesListenersNonBlockingAndOpen) {
  RunCase({.points = 2, .timeout_ms = 2000}, [](Script& s) {
    int listener = UnixListener(s);
    StopPipe stop = MakeStopPipe(s);
    SysResult<ServeStats> result =
        ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
                   "one client says \"hi\"", [&](Peers& peers) {
                     int fd = Dial(listener);
                     if (fd < 0) return (void)peers.Fail("connect failed");
                     Exchange(peers, fd, "client", "hi");
                   });
    s.Expect("RunServer's result", harness::Show(SysResult<ServeStats>::Ok({1, 1})),
             harness::Show(result));
    s.Expect("O_NONBLOCK on the listener", true, (::fcntl(listener, F_GETFL) & O_NONBLOCK) != 0,
             "make every listener non-blocking: a blocking accept stalls the loop");
    s.ExpectTrue("the listener and the stop pipe are still open",
                 ::fcntl(listener, F_GETFD) >= 0 && ::fcntl(stop.read_end, F_GETFD) >= 0,
                 "closed", "they belong to the caller: don't close them");
    char byte;
    s.Expect("the stop byte is still in the pipe", 1,
             static_cast<int>(::read(stop.read_end, &byte, 1)), "RunServer does not read stop_fd");
  });
}

TEST(Poll, AnswersALineSentOneByteAtATime) {
  RunCase({.points = 3, .timeout_ms = 3000}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    const pid_t server = harness::ThisThread();
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "a client sends \"abcdef\\n\" one byte per send, each once the server has read "
               "the one before, checking it is not answered early; then \"xy\\n\"; then the "
               "server must sleep in poll",
               [&](Peers& peers) {
                 int fd = Dial(listener);
                 if (fd < 0) return (void)peers.Fail("connect failed");
                 // Each byte is read by the server before the next is sent.
                 for (char byte : std::string("abcdef")) {
                   if (!SendAll(peers, fd, "client", std::string(1, byte))) return;
                   if (!ExpectTaken(peers, server, fd, "client")) return;
                   if (Readable(fd)) {
                     return (void)peers.Fail("answered after \"" + std::string(1, byte) +
                                             "\", before the line was whole: a line split "
                                             "over reads is still one line");
                   }
                 }
                 if (!SendAll(peers, fd, "client", "\n")) return;
                 if (!peers.ExpectReceive(fd, "client", Reply("abcdef"))) return;
                 peers.Log("answered " + harness::EscapeBytes(Reply("abcdef")));
                 if (!Exchange(peers, fd, "client", "xy")) return;
                 ExpectIdle(peers, server, fd, "client");
               });
  });
}

TEST(Poll, AnswersWhatAClientCompletedBeforeItEndedItsStream) {
  RunCase({.points = 3, .timeout_ms = 2000}, [](Script& s) {
    int listener = TcpListener(s, "::1");
    StopPipe stop = MakeStopPipe(s);
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "a client sends \"abc\\ndef\\ngh\" and shuts its sending half; another then "
               "says \"ping\"",
               [&](Peers& peers) {
                 int fd = Dial(listener);
                 if (fd < 0) return (void)peers.Fail("connect failed");
                 if (!SendAll(peers, fd, "client", "abc\ndef\ngh")) return;
                 ::shutdown(fd, SHUT_WR);
                 if (!peers.ExpectReceive(fd, "client", Reply("abc") + Reply("def"))) return;
                 if (!peers.ExpectEnd(fd, "client")) return;
                 peers.Log("the client got both answers, then the end of the stream");
                 int other = Dial(listener);
                 if (other < 0) return (void)peers.Fail("connect failed");
                 Exchange(peers, other, "other", "ping");
               });
  });
}

TEST(Poll, ClosesAClientWhoseLineIsTooLongAndServesTheOthers) {
  RunCase({.points = 3, .timeout_ms = 2000}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    const std::string longest(kMaxLineLength, 'L');
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "a client sends a line of exactly 1024 bytes, then \"ok\\n\" and 1100 bytes "
               "with no '\\n'; another then says \"ping\"",
               [&](Peers& peers) {
                 int fd = Dial(listener);
                 if (fd < 0) return (void)peers.Fail("connect failed");
                 if (!Exchange(peers, fd, "client", longest)) return;
                 if (!SendAll(peers, fd, "client", "ok\n" + std::string(1100, 'x'))) return;
                 if (!peers.ExpectReceive(fd, "client",
                                          Reply("ok") + std::string(kTooLongReply))) {
                   return;
                 }
                 if (!peers.ExpectEnd(fd, "client")) return;
                 peers.Log("the client got \"2 ko\\n\", the error line, then the end");
                 int other = Dial(listener);
                 if (other < 0) return (void)peers.Fail("connect failed");
                 Exchange(peers, other, "other", "ping");
               });
  });
}

TEST(Poll, ForgetsAClientThatResetsAndStaysIdle) {
  RunCase({.points = 3, .timeout_ms = 3000}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    const pid_t server = harness::ThisThread();
    int before = OpenFds(s, "before RunServer");
    int stayer = -1;
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "a rude client sends half a line and resets; another, then a third, exchange a "
               "line; then the server must sleep in poll",
               [&](Peers& peers) {
                 int rude = Dial(listener);
                 stayer = Dial(listener);
                 if (rude < 0 || stayer < 0) return (void)peers.Fail("connect failed");
                 if (!Exchange(peers, stayer, "stayer", "before")) return;
                 if (!SendAll(peers, rude, "rude", "half a li")) return;
                 Reset(rude);
                 peers.Log("rude reset its connection");
                 if (!Exchange(peers, stayer, "stayer", "after")) return;
                 int third = Dial(listener);
                 if (third < 0) return (void)peers.Fail("connect failed");
                 if (!Exchange(peers, third, "third", "new")) return;
                 ::close(third);
                 ExpectIdle(peers, server, stayer, "stayer");
               });
    s.Expect("descriptors open after RunServer", before + 1, harness::CountOpenFds(),
             "close each client that leaves, and every client when stopping (the test still "
             "holds one socket of its own)");
  });
}

TEST(Poll, StopsWithClientsConnectedAndLeavesNoDescriptorOpen) {
  RunCase({.points = 4, .timeout_ms = 3000}, [](Script& s) {
    std::vector<int> listeners = {TcpListener(s, "127.0.0.1"), TcpListener(s, "::1"),
                                  UnixListener(s)};
    StopPipe stop = MakeStopPipe(s);
    int before = OpenFds(s, "before RunServer");
    std::vector<int> connected;
    // About 500 KiB of answers: more than the kernel holds for an AF_UNIX
    // client that reads nothing, so some are still unsent at the stop. In long
    // lines rather than 128 Ki empty ones: the server's work grows with the
    // lines, and on a loaded machine the exchanges after them timed out.
    std::string deaf_lines;
    for (int i = 0; i < 512; ++i) deaf_lines += std::string(999, 'd') + "\n";
    SysResult<ServeStats> result = ServeWhile(
        s, ServerConfig{listeners, stop.read_end}, stop.write_end,
        "per listener: two clients leave after a line, one stays mid-line, one stays after its "
        "answer, and one stays that sends 512 lines of 1000 bytes and never reads their answers",
        [&](Peers& peers) {
          for (int listener : listeners) {
            for (int i = 0; i < 2; ++i) {
              int leaver = Dial(listener);
              if (leaver < 0 || !Exchange(peers, leaver, "leaver", "bye")) {
                return (void)peers.Fail("a leaver failed");
              }
              ::close(leaver);
            }
            int mid = Dial(listener), answered = Dial(listener), deaf = Dial(listener);
            if (mid < 0 || answered < 0 || deaf < 0) return (void)peers.Fail("connect failed");
            connected.insert(connected.end(), {mid, answered, deaf});
            if (!SendAll(peers, mid, "mid", "unfinished")) return;
            if (!Exchange(peers, answered, "answered", "done")) return;
            if (!SendAll(peers, deaf, "deaf", deaf_lines)) return;
          }
          // The last line the deaf clients sent is answered once the server
          // reads it; an exchange on a fresh client shows the server is there.
          int last = Dial(listeners[0]);
          if (last < 0 || !Exchange(peers, last, "last", "end")) return;
          connected.push_back(last);
        });
    s.Expect("RunServer's result: clients", 16, result.ok() ? result.value().clients : -1,
             "count every connection accepted");
    s.Expect("descriptors open after RunServer", before + static_cast<int>(connected.size()),
             harness::CountOpenFds(),
             "close every client that left, and every client still there when stopping");
    for (size_t i = 0; i < connected.size(); ++i) {
      Peers after;
      after.server_done = true;
      std::string drained = after.ReceiveUpTo(connected[i], 64u << 20, 2000);
      after.ExpectEnd(connected[i], "client " + std::to_string(i + 1));
      after.Report(s);
    }
  });
}

TEST(Poll, StopsWhenTheStopPipeHangsUpOrAnEventfdIsWritten) {
  RunCase({.points = 2, .timeout_ms = 2000}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, -1,
               "a client says \"a\"; then the stop pipe's write end is closed", [&](Peers& peers) {
                 int fd = Dial(listener);
                 if (fd < 0 || !Exchange(peers, fd, "client", "a")) return;
                 ::close(stop.write_end);
               });
    int event = s.Sys("eventfd(0, 0)", ::eventfd(0, 0));
    ServeWhile(s, ServerConfig{{listener}, event}, -1,
               "a client says \"b\"; then 1 is written to the eventfd", [&](Peers& peers) {
                 int fd = Dial(listener);
                 if (fd < 0 || !Exchange(peers, fd, "client", "b")) return;
                 uint64_t one = 1;
                 if (::write(event, &one, sizeof one) != sizeof one) peers.Fail("write(eventfd)");
               });
  });
}


TEST(Poll, DescriptorZeroIsADescriptorForAcceptClientAndStopFd) {
  RunCase({.points = 2, .timeout_ms = 2000}, [](Script& s) {
    int listener = TcpListener(s, "127.0.0.1");
    s.Sys("fcntl(listener, F_SETFL, O_NONBLOCK)", ::fcntl(listener, F_SETFL, O_NONBLOCK));
    int client = s.Sys("connect(client, listener)", Dial(listener));
    s.Sys("close(0): stdin's descriptor is now the lowest free one", ::close(0));
    int fd = s.ExpectOk("AcceptClient(listener)", [&] { return AcceptClient(listener); },
                        "accept returned 0: that is a descriptor, only -1 is a failure");
    s.Expect("the descriptor AcceptClient returned", 0, fd);
    s.Expect("getpeername(0)", Named{harness::LocalAddress(client)}, Named{harness::PeerAddress(0)});
    s.Sys("close(0)", ::close(0));
    StopPipe stop = MakeStopPipe(s);
    s.Expect("the stop pipe's read end", 0, stop.read_end);
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "with stop_fd 0: a client says \"zero\"", [&](Peers& peers) {
                 int other = Dial(listener);
                 if (other < 0) return (void)peers.Fail("connect failed");
                 Exchange(peers, other, "other", "zero");
               });
  });
}

TEST(Poll, KeepsServingAfterASignalInterruptsPoll) {
  RunCase({.points = 2, .timeout_ms = 3000}, [](Script& s) {
    harness::InstallInterruptHandler(s);
    int listener = TcpListener(s, "127.0.0.1");
    StopPipe stop = MakeStopPipe(s);
    const pid_t server = harness::ThisThread();
    SysResult<ServeStats> result = ServeWhile(
        s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
        "a client says \"before\"; twice, once the server sleeps in poll, SIGUSR1 interrupts "
        "it; then the client says \"after\"",
        [&](Peers& peers) {
          int fd = Dial(listener);
          if (fd < 0 || !Exchange(peers, fd, "client", "before")) return;
          for (int i = 0; i < 2; ++i) {
            auto waiting = [&] { return harness::SleepsIn(server, harness::ReadinessWaits()); };
            if (harness::Interrupt(server, waiting, kWaitMs, &peers.server_done) !=
                harness::Interruption::kDone) {
              return (void)peers.Fail("the server was not seen waiting in poll, or its signal "
                                      "handler never ran");
            }
            peers.Log("SIGUSR1 interrupted the server's wait");
          }
          Exchange(peers, fd, "client", "after");
        });
    s.Expect("RunServer's result", harness::Show(SysResult<ServeStats>::Ok({1, 2})),
             harness::Show(result), "a poll() a signal interrupted (EINTR) is simply made again");
  });
}

TEST(Poll, ForgetsADeafClientThatLeavesWithAnswersPending) {
  RunCase({.points = 2, .timeout_ms = 4000}, [](Script& s) {
    int listener = UnixListener(s);
    StopPipe stop = MakeStopPipe(s);
    const pid_t server = harness::ThisThread();
    int before = OpenFds(s, "before RunServer");
    int other = -1;
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "a deaf client sends lines until the server stops reading it, then closes with "
               "its answers unread; another client exchanges a line; the server must sleep in "
               "poll",
               [&](Peers& peers) {
                 int deaf = Dial(listener);
                 other = Dial(listener);
                 if (deaf < 0 || other < 0) return (void)peers.Fail("connect failed");
                 ::fcntl(deaf, F_SETFL, O_NONBLOCK);
                 const std::string line = std::string(999, 'd') + "\n";
                 if (SendUntilUnread(peers, server, deaf, "deaf", line, 16u << 20) < 0) return;
                 ::close(deaf);
                 peers.Log("the deaf client closed with its answers unread");
                 if (!Exchange(peers, other, "other", "still here")) return;
                 ExpectIdle(peers, server, other, "other");
               });
    s.Expect("descriptors open after RunServer", before + 1, harness::CountOpenFds(),
             "a client whose send fails is closed at once (the test holds one socket)");
  });
}

}  // namespace
}  // namespace labkit::lab08
