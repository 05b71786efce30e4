// Lab 07 hidden tests, part 2: connected UDP sockets, AF_UNIX datagram
// sockets, and what happens to datagrams nobody has room for.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "grader/harness/case_runner.h"
#include "grader/hidden/07_datagram/hidden_support.h"

namespace labkit::lab07 {
namespace {

std::string ConnectCall(uint16_t port) {
  return "ConnectUdp(\"127.0.0.1\", " + std::to_string(port) + ")";
}

// Waits (bounded) for the kernel to flag an asynchronous error on fd.
void WaitForError(Script& s, int fd) {
  pollfd p{fd, 0, 0};
  int ready = ::poll(&p, 1, kArrivalMs);
  s.ExpectTrue("poll(fd) reports POLLERR: the refusal came back",
               ready == 1 && (p.revents & POLLERR),
               "poll returned " + std::to_string(ready) + ", revents " + std::to_string(p.revents),
               "ConnectUdp must connect() the socket: only a connected UDP socket hears refusals");
}

TEST(Datagram, ReceiveFromAPeerThatNeverAnswersIsBounded) {
  RunCase({.points = 1}, [](Script& s) {
    int quiet = TestUdp(s, "quiet", "127.0.0.1");
    uint16_t port = LocalPort(quiet);
    int fd = s.ExpectOk(ConnectCall(port), [&] { return ConnectUdp("127.0.0.1", port); });
    s.ExpectTrue("connect() gave the socket a local port", LocalPort(fd) != 0, LocalAddress(fd));
    s.ExpectOk(LABKIT_CALL(SendConnected, As("fd", fd), "hello?"));
    Endpoint from;
    s.Expect("what the quiet peer got", std::string("hello?"),
             TestRecv(s, quiet, "quiet peer", "", &from));
    s.Expect("the sender's address", Named{LocalAddress(fd)}, Where(from));
    s.Note("the quiet peer never answers");
    SetReceiveTimeout(s, fd, "fd", 5);
    s.ExpectError(LABKIT_CALL(RecvDatagram, As("fd", fd), 64), EAGAIN,
                  "datagrams have no end of stream: when the receive timeout expires, "
                  "recvfrom() fails with EAGAIN; return it instead of trying again");
  });
}

TEST(Datagram, ConnectedSocketHearsOnlyItsPeer) {
  RunCase({.points = 2}, [](Script& s) {
    int peer = TestUdp(s, "peer", "127.0.0.1");
    int intruder = TestUdp(s, "intruder", "127.0.0.1");
    uint16_t port = LocalPort(peer);
    int fd = s.ExpectOk(ConnectCall(port), [&] { return ConnectUdp("127.0.0.1", port); });
    TestSend(s, intruder, "intruder", "intruder", EndpointOf(fd));
    TestSend(s, peer, "peer", "from the peer", EndpointOf(fd));
    SetReceiveTimeout(s, fd, "fd", 500);
    Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("fd", fd), 64));
    s.Expect("the payload", std::string("from the peer"), got.payload,
             "connect() the UDP socket: the kernel then drops datagrams from anyone else");
    s.Expect("the sender's address", Named{LocalAddress(peer)}, Where(got.from));
    ExpectNothingQueued(s, fd, "fd");
    s.ExpectOk(LABKIT_CALL(SendConnected, As("fd", fd), "to the peer"));
    s.Expect("what the peer got", std::string("to the peer"), TestRecv(s, peer, "peer"));
    ExpectNothingQueued(s, intruder, "intruder");
  });
}

TEST(Datagram, ConnectedSocketReportsConnectionRefused) {
  RunCase({.points = 2}, [](Script& s) {
    uint16_t port = ClosedUdpPort(s, "127.0.0.1");
    int fd = s.ExpectOk(ConnectCall(port), [&] { return ConnectUdp("127.0.0.1", port); },
                        "connect() on UDP sends nothing, so it succeeds for a closed port");
    s.ExpectOk(LABKIT_CALL(SendConnected, As("fd", fd), "anyone?"));
    WaitForError(s, fd);
    const char* hint = "the kernel keeps the refusal and reports it on the next call: "
                       "return ECONNREFUSED, do not hide it";
    s.ExpectError("SendConnected(fd, \"anyone?\") again", ECONNREFUSED,
                  [&] { return SendConnected(fd, "anyone?"); }, hint);
    s.ExpectOk(LABKIT_CALL(SendConnected, As("fd", fd), "still there?"),
               "a refusal is reported once; this send goes out");
    WaitForError(s, fd);
    SetReceiveTimeout(s, fd, "fd", 100);
    s.ExpectError(LABKIT_CALL(RecvDatagram, As("fd", fd), 64), ECONNREFUSED, hint);
  });
}

TEST(Datagram, UnconnectedSocketNeverReportsRefusals) {
  RunCase({.points = 1}, [](Script& s) {
    uint16_t port = ClosedUdpPort(s, "127.0.0.1");
    int fd = s.ExpectOk(LABKIT_CALL(OpenUdp, "127.0.0.1", 0));
    Endpoint closed = InetEndpoint("127.0.0.1", port);
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("fd", fd), "anyone?", As("closed port", closed)));
    s.ExpectOk("SendDatagram(fd, \"anyone?\", closed port) again",
               [&] { return SendDatagram(fd, "anyone?", closed); },
               "an unconnected socket is never told about refusals");
    s.ExpectError(LABKIT_CALL(SendConnected, As("fd", fd), "where to?"), EDESTADDRREQ,
                  "send() without an address on an unconnected socket: report its errno");
    int other = TestUdp(s, "other", "127.0.0.1");
    TestSend(s, other, "other", "hello", EndpointOf(fd));
    SetReceiveTimeout(s, fd, "fd", 500);
    Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("fd", fd), 64));
    s.Expect("the payload", std::string("hello"), got.payload);
    s.Expect("SO_ERROR of fd", 0, harness::IntOption(fd, SOL_SOCKET, SO_ERROR));
  });
}

TEST(Datagram, UnixDatagramSocketsTalkByPath) {
  RunCase({.points = 2}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    std::string path = dir + "/server.sock";
    int server = s.ExpectOk(LABKIT_CALL(OpenUnixDatagram, path));
    struct stat info;
    s.Expect("a socket file exists at the path", true,
             ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode));
    s.Expect("getsockname(server)", Named{"unix:" + path}, Named{LocalAddress(server)});
    std::string client_path = dir + "/client.sock";
    int client = s.ExpectOk(LABKIT_CALL(OpenUnixDatagram, client_path));
    Endpoint to = s.ExpectOk(LABKIT_CALL(UnixEndpoint, path));
    s.Expect("the address", Named{"unix:" + path}, Where(to));
    s.Expect("its length", unsigned(offsetof(sockaddr_un, sun_path) + path.size() + 1),
             unsigned{to.length}, "offsetof(sockaddr_un, sun_path) + the path + its NUL");
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("client", client), "over a path", As("to", to)));
    SetReceiveTimeout(s, server, "server", 500);
    Datagram got = s.ExpectOk(LABKIT_CALL(RecvDatagram, As("server", server), 64));
    s.Expect("the payload", std::string("over a path"), got.payload);
    s.Expect("the sender's address", Named{"unix:" + client_path}, Where(got.from));
    s.ExpectOk(LABKIT_CALL(SendDatagram, As("server", server), "answer", As("got.from", got.from)));
    s.Expect("what the client got", std::string("answer"), TestRecv(s, client, "client"));
  });
}

TEST(Datagram, UnixDatagramErrorsLeakNothing) {
  RunCase({.points = 1}, [](Script& s) {
    std::string dir = harness::MakeTempDir();
    std::string path = dir + "/server.sock";
    int before = harness::CountOpenFds();
    s.Note("open descriptors: " + std::to_string(before));
    s.ExpectOk(LABKIT_CALL(OpenUnixDatagram, path));
    s.ExpectError("OpenUnixDatagram(\"" + path + "\") again", EADDRINUSE,
                  [&] { return OpenUnixDatagram(path); });
    std::string missing = dir + "/missing/server.sock";
    s.ExpectError(LABKIT_CALL(OpenUnixDatagram, missing), ENOENT);
    std::string longest = "/tmp/" + std::string(sizeof(sockaddr_un::sun_path) - 5, 'x');
    s.ExpectError(LABKIT_CALL(UnixEndpoint, As("a path of 108 characters", longest)), ENAMETOOLONG,
                  "the contract allows 107 characters: a path and its NUL must fit in sun_path");
    s.ExpectError(LABKIT_CALL(OpenUnixDatagram, As("a path of 108 characters", longest)),
                  ENAMETOOLONG);
    s.Expect("open descriptors now", before + 1, harness::CountOpenFds(),
             "close the socket on every error path");
  });
}

TEST(Datagram, UdpDropsWhatNobodyHasRoomForButUnixWaits) {
  RunCase({.points = 1}, [](Script& s) {
    int receiver = TestUdp(s, "receiver", "127.0.0.1");
    int smallest = 1;
    s.Sys("setsockopt(receiver, SO_RCVBUF, 1): the smallest buffer there is",
          ::setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &smallest, sizeof smallest));
    int sender = TestUdp(s, "sender", "127.0.0.1");
    const int kSent = 100;
    std::string kilobyte(1000, 'u');
    Endpoint to = EndpointOf(receiver);
    s.ExpectOk("SendDatagram(sender, 1000 bytes, receiver) 100 times", [&] {
      Status status = Status::Ok();
      for (int i = 0; i < kSent && status.ok(); ++i) {
        status = SendDatagram(sender, kilobyte, to);
      }
      return status;
    }, "UDP has no flow control: a send succeeds even when the receiver has no room");
    s.ExpectTrue("the first datagram arrived", harness::WaitFor(receiver, POLLIN, kArrivalMs), "");
    int received = 0;
    char buffer[1000];
    while (::recv(receiver, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++received;
    s.ExpectTrue("the receiver got some, and fewer than 100", received >= 1 && received < kSent,
                 std::to_string(received) + " datagrams");

    std::string dir = harness::MakeTempDir();
    int local = TestUnix(s, "local", dir + "/receiver.sock");
    int local_sender = TestSocket(s, AF_UNIX, SOCK_DGRAM, {.name = "local_sender"});
    s.Sys("fcntl(local_sender, O_NONBLOCK)", ::fcntl(local_sender, F_SETFL, O_NONBLOCK));
    Endpoint local_address = EndpointOf(local);
    int sent = 0;
    std::string call = "SendDatagram(local_sender, 1000 bytes, receiver.sock) until it fails";
    Status full = s.Call(call, [&] {
      Status status = Status::Ok();
      for (; sent < 10000 && status.ok(); ++sent) {
        status = SendDatagram(local_sender, kilobyte, local_address);
      }
      if (!status.ok()) --sent;  // the last try did not send
      return status;
    });
    s.Expect("the error once the queue is full", harness::Errno(EAGAIN),
             harness::Errno(full.ok() ? 0 : full.error()),
             "AF_UNIX datagrams wait for room; non-blocking, that is EAGAIN: report it");
    int local_received = 0;
    while (::recv(local, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++local_received;
    s.Expect("datagrams received over AF_UNIX: every one sent", sent, local_received);
    s.ExpectTrue("at least one was sent", sent >= 1, std::to_string(sent));
  });
}

}  // namespace
}  // namespace labkit::lab07
