// Lab 08 reference solution: a one-thread poll() server of the line
// protocol in poll_server_lab.h.
#include "labs/08_poll_server/poll_server_lab.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace labkit::lab08 {

Status SetNonBlocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return Status::FromErrno();
  if (::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) return Status::FromErrno();
  return Status::Ok();
}

Answers AnswerLines(std::string_view input) {
  Answers answers;
  while (true) {
    std::string_view rest = input.substr(answers.consumed);
    size_t end = rest.find('\n');
    size_t length = end == std::string_view::npos ? rest.size() : end;
    if (length > kMaxLineLength) {
      answers.too_long = true;
      return answers;
    }
    if (end == std::string_view::npos) return answers;  // wait for the rest
    std::string_view line = rest.substr(0, end);
    answers.replies += std::to_string(line.size()) + ' ';
    answers.replies.append(line.rbegin(), line.rend());
    answers.replies += '\n';
    answers.consumed += end + 1;
  }
}

SysResult<int> AcceptClient(int listen_fd) {
  int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK);
  if (fd < 0) return SysResult<int>::FromErrno();
  return SysResult<int>::Ok(fd);
}

SysResult<Received> ReadAvailable(int fd) {
  Received received;
  char buffer[16 * 1024];
  while (received.bytes.size() < kMaxReadPerCall) {
    size_t room = std::min(sizeof buffer, kMaxReadPerCall - received.bytes.size());
    ssize_t n = ::recv(fd, buffer, room, 0);
    if (n > 0) {
      received.bytes.append(buffer, static_cast<size_t>(n));
    } else if (n == 0) {
      received.closed = true;
      break;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      return SysResult<Received>::FromErrno();
    }
  }
  return SysResult<Received>::Ok(std::move(received));
}

SysResult<size_t> SendAvailable(int fd, std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n >= 0) {
      sent += static_cast<size_t>(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      return SysResult<size_t>::FromErrno();
    }
  }
  return SysResult<size_t>::Ok(sent);
}

namespace {

// One connected client and its two buffers.
struct Client {
  int fd = -1;
  std::string input;    // received, not answered yet
  std::string output;   // answered, not sent yet
  bool closing = false;  // nothing more is read: close once output is sent
};

// The poll loop's state: the listeners' and clients' entries of the poll
// set are rebuilt from it before each poll().
class Server {
 public:
  explicit Server(const ServerConfig& config) : config_(config) {}
  ~Server() {
    for (Client& client : clients_) ::close(client.fd);
  }

  SysResult<ServeStats> Run() {
    std::vector<pollfd> polled;
    while (true) {
      polled.clear();
      polled.push_back({config_.stop_fd, POLLIN, 0});
      for (int listener : config_.listen_fds) polled.push_back({listener, POLLIN, 0});
      for (const Client& client : clients_) polled.push_back({client.fd, EventsFor(client), 0});
      if (::poll(polled.data(), polled.size(), -1) < 0) {
        if (errno == EINTR) continue;
        return SysResult<ServeStats>::FromErrno();
      }
      if (polled[0].revents != 0) return SysResult<ServeStats>::Ok(stats_);
      // Clients first (their entries follow the listeners'), then new ones.
      const size_t first_client = 1 + config_.listen_fds.size();
      std::vector<Client> staying;
      for (size_t i = 0; i < clients_.size(); ++i) {
        Client& client = clients_[i];
        if (Serve(client, polled[first_client + i].revents)) {
          staying.push_back(std::move(client));
        } else {
          ::close(client.fd);
        }
      }
      clients_ = std::move(staying);
      for (size_t i = 0; i < config_.listen_fds.size(); ++i) {
        if (polled[1 + i].revents != 0) AcceptAll(config_.listen_fds[i]);
      }
    }
  }

 private:
  static short EventsFor(const Client& client) {
    short events = 0;
    if (!client.closing && client.output.size() < kMaxPendingOutput) events |= POLLIN;
    if (!client.output.empty()) events |= POLLOUT;
    return events;
  }

  // Handles what poll() reported for `client`; false when it has left.
  bool Serve(Client& client, short revents) {
    if (revents == 0) return true;
    const bool reading = (EventsFor(client) & POLLIN) != 0;
    if (reading && (revents & (POLLIN | POLLHUP | POLLERR))) {
      SysResult<Received> received = ReadAvailable(client.fd);
      if (!received.ok()) return false;
      client.input += received.value().bytes;
      Answers answers = AnswerLines(client.input);
      client.input.erase(0, answers.consumed);
      client.output += answers.replies;
      stats_.lines += static_cast<int>(std::count(answers.replies.begin(),
                                                  answers.replies.end(), '\n'));
      if (answers.too_long) {
        client.output += kTooLongReply;
        client.closing = true;
      }
      if (received.value().closed) client.closing = true;
    }
    if (!client.output.empty() && (revents & (POLLOUT | POLLHUP | POLLERR))) {
      SysResult<size_t> sent = SendAvailable(client.fd, client.output);
      if (!sent.ok()) return false;
      client.output.erase(0, sent.value());
    }
    return !(client.closing && client.output.empty());
  }

  void AcceptAll(int listener) {
    while (true) {
      SysResult<int> accepted = AcceptClient(listener);
      if (!accepted.ok()) {
        if (accepted.error() == EINTR || accepted.error() == ECONNABORTED) continue;
        return;  // EAGAIN: nobody is left waiting
      }
      Client client;
      client.fd = accepted.value();
      clients_.push_back(std::move(client));
      ++stats_.clients;
    }
  }

  const ServerConfig& config_;
  std::vector<Client> clients_;
  ServeStats stats_;
};

}  // namespace

SysResult<ServeStats> RunServer(const ServerConfig& config) {
  if (config.listen_fds.empty() || config.stop_fd < 0) {
    return SysResult<ServeStats>::Error(EINVAL);
  }
  for (int listener : config.listen_fds) {
    Status made = SetNonBlocking(listener);
    if (!made.ok()) return SysResult<ServeStats>::Error(made.error());
  }
  return Server(config).Run();
}

}  // namespace labkit::lab08
