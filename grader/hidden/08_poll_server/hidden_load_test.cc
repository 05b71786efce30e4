// Lab 08 hidden tests under load: a hundred clients at once, a flood of
// connections up to the backlog, and a client that never reads while the
// others must still be served.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
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

TEST(Poll, ServesAHundredClientsAtOnce) {
  RunCase({.points = 4, .timeout_ms = 3000}, [](Script& s) {
    std::vector<int> listeners = {TcpListener(s, "127.0.0.1"), TcpListener(s, "::1"),
                                  UnixListener(s)};
    StopPipe stop = MakeStopPipe(s);
    constexpr int kClients = 100;
    SysResult<ServeStats> result = ServeWhile(
        s, ServerConfig{listeners, stop.read_end}, stop.write_end,
        "100 clients over the three listeners connect and each send the first half of a "
        "line; then each the second half; then they read their answers, last client first",
        [&](Peers& peers) {
          std::vector<int> clients;
          for (int i = 0; i < kClients; ++i) {
            int fd = Dial(listeners[i % listeners.size()]);
            if (fd < 0) return (void)peers.Fail("connect of client " + std::to_string(i) + " failed");
            clients.push_back(fd);
            if (!SendAll(peers, fd, "client", "client " + std::to_string(i))) return;
          }
          peers.Log("100 clients connected, each with half a line sent");
          for (int i = 0; i < kClients; ++i) {
            if (!SendAll(peers, clients[i], "client", " of 100\n")) return;
          }
          for (int i = kClients - 1; i >= 0; --i) {
            const std::string line = "client " + std::to_string(i) + " of 100";
            if (!peers.ExpectReceive(clients[i], "client " + std::to_string(i), Reply(line))) return;
          }
          peers.Log("every client got its own answer");
        });
    s.Expect("RunServer's result", harness::Show(SysResult<ServeStats>::Ok({kClients, kClients})),
             harness::Show(result));
  });
}

// A non-blocking AF_UNIX client of the listener at `address`: connect
// returns at once, 0 or -1 with errno (EAGAIN once the backlog is full).
int UnixConnectNow(const sockaddr_un& address, int& fd) {
  fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  return ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
}

TEST(Poll, TakesAFloodOfConnectionsUpToTheBacklog) {
  RunCase({.points = 3, .timeout_ms = 3000}, [](Script& s) {
    constexpr int kBacklog = 16;
    int unix_listener = UnixListener(s, kBacklog);
    sockaddr_storage stored;
    BoundAddress(unix_listener, stored);
    const sockaddr_un& address = reinterpret_cast<const sockaddr_un&>(stored);
    // An AF_UNIX stream listener with backlog N queues exactly N + 1.
    std::vector<int> clients;
    for (int i = 0; i <= kBacklog; ++i) {
      int fd = -1;
      s.Sys("connect(unix client " + std::to_string(i) + ", non-blocking)",
            UnixConnectNow(address, fd));
      clients.push_back(fd);
      SendFrom(s, fd, "unix client " + std::to_string(i), "u" + std::to_string(i) + "\n");
    }
    int extra = -1;
    const int full = UnixConnectNow(address, extra);
    s.Expect("one more non-blocking connect: the queue is full", harness::Errno(EAGAIN),
             harness::Errno(full < 0 ? errno : 0));
    int tcp_listener = TcpListener(s, "127.0.0.1", 64);
    StopPipe stop = MakeStopPipe(s);
    SysResult<ServeStats> result = ServeWhile(
        s, ServerConfig{{unix_listener, tcp_listener}, stop.read_end}, stop.write_end,
        "the 17 queued unix clients read their answers; 60 TCP clients connect at once, "
        "then all send a line and read its answer",
        [&](Peers& peers) {
          for (int i = 0; i <= kBacklog; ++i) {
            ::fcntl(clients[i], F_SETFL, 0);
            BoundWaits(clients[i]);
            const std::string line = "u" + std::to_string(i);
            if (!peers.ExpectReceive(clients[i], "unix client " + std::to_string(i), Reply(line))) {
              return;
            }
          }
          std::vector<int> tcp;
          for (int i = 0; i < 60; ++i) {
            int fd = Dial(tcp_listener);
            if (fd < 0) return (void)peers.Fail("connect failed");
            tcp.push_back(fd);
          }
          for (int i = 0; i < 60; ++i) {
            if (!SendAll(peers, tcp[i], "tcp client", "t" + std::to_string(i) + "\n")) return;
          }
          for (int i = 0; i < 60; ++i) {
            if (!peers.ExpectReceive(tcp[i], "tcp client " + std::to_string(i),
                                     Reply("t" + std::to_string(i)))) {
              return;
            }
          }
          peers.Log("all 77 clients answered");
        });
    s.Expect("RunServer's result", harness::Show(SysResult<ServeStats>::Ok({77, 77})),
             harness::Show(result), "accept every waiting client when a listener is ready");
  });
}

// The answers to `count` lines of `width` bytes, numbered from 0.
std::string NumberedLines(int count, size_t width) {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    std::string line = std::to_string(i) + ":";
    line.resize(width, '.');
    lines += line + "\n";
  }
  return lines;
}

std::string AnswersTo(const std::string& lines) {
  std::string answers;
  for (size_t at = 0, end; (end = lines.find('\n', at)) != std::string::npos; at = end + 1) {
    answers += Reply(std::string_view(lines).substr(at, end - at));
  }
  return answers;
}

TEST(Poll, KeepsServingOthersWhileAClientDoesNotReadAndLosesNoByte) {
  RunCase({.points = 4, .timeout_ms = 5000}, [](Script& s) {
    // AF_UNIX: the kernel holds only about 200 KiB of what the server sends.
    int listener = UnixListener(s);
    StopPipe stop = MakeStopPipe(s);
    // About 3 MB of answers: twice what it takes (about 1.4 MB on Linux: the
    // 1 MiB kMaxPendingOutput and the kernel's buffers) before the server
    // must stop reading.
    const std::string lines = NumberedLines(3000, 1000);
    const pid_t server = harness::ThisThread();
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "a deaf AF_UNIX client sends 3000 lines of 1000 bytes and reads nothing until another "
               "client has exchanged a line; then it reads every answer",
               [&](Peers& peers) {
                 int deaf = Dial(listener);
                 if (deaf < 0) return (void)peers.Fail("connect failed");
                 ::fcntl(deaf, F_SETFL, O_NONBLOCK);
                 std::string got;
                 const std::string expected = AnswersTo(lines);
                 const long sending =
                     SendUntilUnread(peers, server, deaf, "deaf", lines, lines.size());
                 if (sending < 0) return;
                 size_t sent = static_cast<size_t>(sending);
                 peers.Log("the deaf client stopped sending after " +
                           std::string(sent == lines.size() ? "all its lines" : "the server stopped reading"));
                 int other = Dial(listener);
                 if (other < 0 || !Exchange(peers, other, "other", "still there?")) return;
                 peers.Log("another client was answered meanwhile");
                 // Now read everything, sending the rest as room comes.
                 const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
                 char buffer[65536];
                 while (got.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
                   pollfd p{deaf, static_cast<short>(POLLIN | (sent < lines.size() ? POLLOUT : 0)), 0};
                   if (::poll(&p, 1, 100) <= 0) continue;
                   if (p.revents & POLLOUT) {
                     ssize_t n = ::send(deaf, lines.data() + sent, lines.size() - sent, MSG_NOSIGNAL);
                     if (n > 0) sent += static_cast<size_t>(n);
                   }
                   if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
                     ssize_t n = ::recv(deaf, buffer, sizeof buffer, 0);
                     if (n <= 0 && !(n < 0 && errno == EAGAIN)) break;
                     if (n > 0) got.append(buffer, static_cast<size_t>(n));
                   }
                 }
                 if (got != expected) {
                   size_t same = 0;
                   while (same < got.size() && same < expected.size() && got[same] == expected[same]) ++same;
                   return (void)peers.Fail("deaf: got " + std::to_string(got.size()) + " of " +
                                           std::to_string(expected.size()) +
                                           " bytes of answers, the same up to byte " +
                                           std::to_string(same) +
                                           ": keep what send() did not take, and send it later");
                 }
                 peers.Log("the deaf client got every answer, in order");
               });
  });
}

TEST(Poll, StopsReadingAClientThatNeverReads) {
  RunCase({.points = 3, .timeout_ms = 4000}, [](Script& s) {
    int listener = UnixListener(s);
    StopPipe stop = MakeStopPipe(s);
    constexpr size_t kLimit = 8u << 20;
    const std::string chunk = NumberedLines(64, 1000);
    const pid_t server = harness::ThisThread();
    ServeWhile(s, ServerConfig{{listener}, stop.read_end}, stop.write_end,
               "an AF_UNIX client (its socket buffers hold about 200 KiB) sends lines of 1000 "
               "bytes and never reads; before 8 MiB the server must sleep in poll with its "
               "bytes unread",
               [&](Peers& peers) {
                 int deaf = Dial(listener);
                 if (deaf < 0) return (void)peers.Fail("connect failed");
                 ::fcntl(deaf, F_SETFL, O_NONBLOCK);
                 // From where the last send stopped in the chunk: lines stay whole.
                 const long sent = SendUntilUnread(peers, server, deaf, "client", chunk, kLimit);
                 if (sent < 0) return;
                 if (static_cast<size_t>(sent) >= kLimit) {
                   return (void)peers.Fail("the server read 8 MiB from a client that reads "
                                           "none of its answers: stop reading from a client "
                                           "while kMaxPendingOutput bytes wait for it");
                 }
                 peers.Log("the server stopped reading before 8 MiB");
                 int other = Dial(listener);
                 if (other >= 0) Exchange(peers, other, "other", "hello");
               });
  });
}

}  // namespace
}  // namespace labkit::lab08
