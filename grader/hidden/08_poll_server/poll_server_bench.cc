// bench/poll_server_bench.sh's driver: CLIENTS clients each exchange LINES
// lines (send one, wait for its answer, send the next) with a server on
// loopback, all clients at once from one poll() loop of the driver's own.
// The server is lab 08's reference RunServer, or a plain blocking server
// that serves one client at a time to its end (accept, recv, answer, send),
// given the same work. Prints the wall time of the exchange.
//
// Usage: poll_server_bench poll|blocking CLIENTS LINES
// Exit codes: 0 done, 1 the exchange went wrong, 2 bad usage.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "labs/08_poll_server/poll_server_lab.h"

namespace labkit::lab08 {
namespace {

std::string Line(int client, int line) {
  return "client " + std::to_string(client) + " line " + std::to_string(line);
}

std::string Answer(const std::string& line) {
  std::string answer = std::to_string(line.size()) + " ";
  answer.append(line.rbegin(), line.rend());
  return answer + "\n";
}

// One client at a time, each served to its end with blocking calls; stops
// when `stop_fd` is readable.
void BlockingServer(int listener, int stop_fd) {
  while (true) {
    pollfd wait[2] = {{listener, POLLIN, 0}, {stop_fd, POLLIN, 0}};
    if (::poll(wait, 2, -1) < 0 || wait[1].revents != 0) return;
    int client = ::accept(listener, nullptr, nullptr);
    if (client < 0) continue;
    std::string input;
    char buffer[4096];
    ssize_t n;
    while ((n = ::recv(client, buffer, sizeof buffer, 0)) > 0) {
      input.append(buffer, static_cast<size_t>(n));
      Answers answers = AnswerLines(input);
      input.erase(0, answers.consumed);
      if (::send(client, answers.replies.data(), answers.replies.size(), MSG_NOSIGNAL) < 0) break;
    }
    ::close(client);
  }
}

struct BenchClient {
  int fd = -1;
  int line = 0;  // lines answered so far
  std::string expected, got;
};

// Runs every client to its end; false if an answer was wrong.
bool Exchange(const sockaddr_in& address, int clients, int lines) {
  std::vector<BenchClient> all(clients);
  for (int c = 0; c < clients; ++c) {
    all[c].fd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(all[c].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(all[c].fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      return false;
    }
    std::string line = Line(c, 0) + "\n";
    ::send(all[c].fd, line.data(), line.size(), MSG_NOSIGNAL);
    all[c].expected = Answer(Line(c, 0));
  }
  int done = 0;
  std::vector<pollfd> polled(clients);
  char buffer[4096];
  while (done < clients) {
    for (int c = 0; c < clients; ++c) polled[c] = {all[c].line < lines ? all[c].fd : -1, POLLIN, 0};
    if (::poll(polled.data(), polled.size(), 10000) <= 0) {
      std::fprintf(stderr, "no answer within 10 s\n");
      return false;
    }
    for (int c = 0; c < clients; ++c) {
      if (polled[c].revents == 0) continue;
      BenchClient& client = all[c];
      ssize_t n = ::recv(client.fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        std::fprintf(stderr, "client %d: the server ended the connection\n", c);
        return false;
      }
      client.got.append(buffer, static_cast<size_t>(n));
      if (client.got.size() < client.expected.size()) continue;
      if (client.got != client.expected) {
        std::fprintf(stderr, "client %d: a wrong answer\n", c);
        return false;
      }
      client.got.clear();
      if (++client.line == lines) {
        ::close(client.fd);
        ++done;
        continue;
      }
      std::string line = Line(c, client.line) + "\n";
      ::send(client.fd, line.data(), line.size(), MSG_NOSIGNAL);
      client.expected = Answer(Line(c, client.line));
    }
  }
  return true;
}

int Main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[1], "poll") != 0 && std::strcmp(argv[1], "blocking") != 0) ||
      std::atoi(argv[2]) <= 0 || std::atoi(argv[3]) <= 0) {
    std::fprintf(stderr, "usage: poll_server_bench poll|blocking CLIENTS LINES\n");
    return 2;
  }
  const bool use_poll = std::strcmp(argv[1], "poll") == 0;
  const int clients = std::atoi(argv[2]), lines = std::atoi(argv[3]);
  rlimit files{static_cast<rlim_t>(2 * clients + 64), static_cast<rlim_t>(2 * clients + 64)};
  ::setrlimit(RLIMIT_NOFILE, &files);

  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, clients) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("listener");
    return 1;
  }
  int stop[2];
  if (::pipe(stop) != 0) return 1;
  std::thread server([&] {
    if (use_poll) {
      RunServer(ServerConfig{{listener}, stop[0]});
    } else {
      BlockingServer(listener, stop[0]);
    }
  });
  using Clock = std::chrono::steady_clock;
  const Clock::time_point exchange_began = Clock::now();
  const bool ok = Exchange(address, clients, lines);
  const double seconds = std::chrono::duration<double>(Clock::now() - exchange_began).count();
  (void)!::write(stop[1], "x", 1);
  server.join();
  if (!ok) return 1;
  std::printf("%s %d clients x %d lines: %.3f s\n", use_poll ? "poll" : "blocking", clients, lines,
              seconds);
  return 0;
}

}  // namespace
}  // namespace labkit::lab08

int main(int argc, char** argv) { return labkit::lab08::Main(argc, argv); }
