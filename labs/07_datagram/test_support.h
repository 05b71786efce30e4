// Shared by this lab's public and hidden tests: the test's own datagram
// sockets, how endpoints and datagrams look in a transcript, and bounded
// sends and receives that never wait forever.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <vector>

#include "grader/harness/case_runner.h"
#include "grader/harness/loopback.h"
#include "grader/harness/script.h"
#include "grader/harness/show.h"
#include "grader/harness/test_sockets.h"
#include "labs/07_datagram/datagram_lab.h"

namespace labkit::lab07 {

// The harness names this lab's public and hidden tests use unqualified.
using harness::As;
using harness::LocalAddress;
using harness::LocalPort;
using harness::Named;
using harness::RunCase;
using harness::Script;
using harness::TestSocket;
using harness::UnixAddress;
using harness::UnixName;
// The test's own system calls as steps: s.Sys(sys::Close(As("fd", fd))).
namespace sys = harness::sys;

// How long the test waits for a datagram that should be on its way.
inline constexpr int kArrivalMs = 1000;

// A long payload shows as its first bytes and its length.
inline std::string ShowPayload(const std::string& payload) {
  if (payload.size() <= 40) return harness::EscapeBytes(payload);
  return std::to_string(payload.size()) + " bytes: " +
         harness::EscapeBytes(payload.substr(0, 16)) + "...";
}

inline std::string Show(const Endpoint& endpoint) {
  return harness::FormatSockaddr(reinterpret_cast<const sockaddr*>(&endpoint.address),
                                 endpoint.length) +
         " (length " + std::to_string(endpoint.length) + ")";
}

inline std::string Show(const Datagram& d) {
  std::string text = "{" + ShowPayload(d.payload) + " from " + Show(d.from);
  if (d.truncated || d.full_length != d.payload.size()) {
    text += ", truncated: " + harness::Show(d.truncated) + ", full_length " +
            std::to_string(d.full_length);
  }
  return text + "}";
}

// An endpoint's address as text ("127.0.0.1:5000"), to compare by name.
inline harness::Named Where(const Endpoint& endpoint) {
  return {harness::FormatSockaddr(reinterpret_cast<const sockaddr*>(&endpoint.address),
                                  endpoint.length)};
}

// The address a socket of the test's own is bound to, as an Endpoint.
inline Endpoint EndpointOf(int fd) {
  Endpoint endpoint;
  endpoint.length = sizeof endpoint.address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&endpoint.address), &endpoint.length);
  return endpoint;
}

// A numeric address the test builds itself, without the code under test.
inline Endpoint InetEndpoint(const std::string& ip, uint16_t port) {
  Endpoint endpoint;
  endpoint.length = harness::MakeInetAddress(ip, port, endpoint.address);
  return endpoint;
}

// A UDP socket of the test's own, bound to ip port 0.
inline int TestUdp(harness::Script& s, const std::string& name, const std::string& ip) {
  Endpoint any = InetEndpoint(ip, 0);
  int fd = TestSocket(s, any.address.ss_family, SOCK_DGRAM, {.name = name});
  s.Sys("bind(" + name + ", " + ip + " port 0)",
        ::bind(fd, reinterpret_cast<sockaddr*>(&any.address), any.length));
  s.Note(name + " is " + harness::LocalAddress(fd));
  return fd;
}

// The test sends one datagram from a socket of its own.
inline void TestSend(harness::Script& s, int fd, const std::string& name,
                     const std::string& payload, const Endpoint& to) {
  ssize_t sent = ::sendto(fd, payload.data(), payload.size(), 0,
                          reinterpret_cast<const sockaddr*>(&to.address), to.length);
  s.Sys("sendto(" + name + ", " + ShowPayload(payload) + ", " + Where(to).text + ")",
        static_cast<int>(sent));
}

// Waits (bounded) for the next datagram on a socket of the test's own and
// takes it; the case fails if none comes.
inline std::string TestRecv(harness::Script& s, int fd, const std::string& who,
                            const std::string& hint = "", Endpoint* from = nullptr) {
  if (!harness::WaitFor(fd, POLLIN, kArrivalMs)) {
    s.Fail("a datagram arrives at " + who, "a datagram within " + std::to_string(kArrivalMs) +
                                               " ms", "nothing arrived", hint);
  }
  std::string buffer(70000, '\0');
  Endpoint sender;
  sender.length = sizeof sender.address;
  ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), MSG_DONTWAIT,
                         reinterpret_cast<sockaddr*>(&sender.address), &sender.length);
  s.Sys("recvfrom at " + who, static_cast<int>(n));
  buffer.resize(static_cast<size_t>(n));
  s.Note(who + " received " + ShowPayload(buffer) + " from " + Where(sender).text);
  if (from != nullptr) *from = sender;
  return buffer;
}

// Checks that nothing more is queued on a socket of the test's own.
inline void ExpectNothingQueued(harness::Script& s, int fd, const std::string& who,
                                const std::string& hint = "") {
  char byte;
  ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT | MSG_TRUNC);
  harness::Named actual{n < 0 ? harness::ErrnoName(errno)
                              : "a datagram of " + std::to_string(n) + " bytes"};
  s.Expect("recv(MSG_DONTWAIT) at " + who + ": nothing more queued",
           harness::Errno(EAGAIN), actual, hint);
}

// A UDP port on `ip` that was free a moment ago: nothing receives there, so
// a datagram sent to it is refused.
inline uint16_t ClosedUdpPort(harness::Script& s, const std::string& ip) {
  int probe = TestUdp(s, "probe", ip);
  uint16_t port = harness::LocalPort(probe);
  s.Sys(sys::Close(As("probe", probe)).Because("port " + std::to_string(port) + " is now closed"));
  return port;
}

// Bounds every receive on fd, so code that waits too long gets EAGAIN.
inline void SetReceiveTimeout(harness::Script& s, int fd, const std::string& name, int ms) {
  timeval timeout{ms / 1000, (ms % 1000) * 1000};
  s.Sys("setsockopt(" + name + ", SO_RCVTIMEO, " + std::to_string(ms) + " ms)",
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
}

// Sends each of `sent` from a UDP socket of the test's own to another, then
// takes them with RecvDatagram(receiver, max_size): each must come back
// alone, whole and in order (and from the sender, if `check_sender`), and
// nothing may be left queued.
inline void ExpectDatagramsOneByOne(harness::Script& s, const std::vector<std::string>& sent,
                                    size_t max_size, std::string_view receive_hint,
                                    std::string_view payload_hint, bool check_sender) {
  int receiver = TestUdp(s, "receiver", "127.0.0.1");
  int sender = TestUdp(s, "sender", "127.0.0.1");
  for (const std::string& payload : sent) {
    TestSend(s, sender, "sender", payload, EndpointOf(receiver));
  }
  SetReceiveTimeout(s, receiver, "receiver", 500);
  const std::string call = "RecvDatagram(receiver, " + std::to_string(max_size) + ")";
  for (const std::string& payload : sent) {
    Datagram got = s.ExpectOk(call, [&] { return RecvDatagram(receiver, max_size); },
                              receive_hint);
    s.Expect("the payload", payload, got.payload, payload_hint);
    if (check_sender) {
      s.Expect("the sender's address", Named{LocalAddress(sender)}, Where(got.from));
    }
  }
  ExpectNothingQueued(s, receiver, "receiver");
}

}  // namespace labkit::lab07
