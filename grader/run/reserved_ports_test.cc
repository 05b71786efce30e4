// Why a jail keeps equal-byte ports out of automatic assignment, and proof
// that it does: in a fresh network namespace, ports from bind(port 0)
// sometimes read the same in both byte orders; after
// ReserveEqualBytePorts, none does.
#include "grader/run/reserved_ports.h"

#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace labkit::run {
namespace {

constexpr const char* kReservedPorts = "/proc/sys/net/ipv4/ip_local_reserved_ports";
// Without the reservation about 1 port in 250 has equal bytes: 4000 binds
// all miss them with a probability near 1e-7.
constexpr int kBinds = 4000;

bool EqualBytes(int port) { return (port >> 8) == (port & 0xff); }

std::string HostSetting() {
  std::ifstream file(kReservedPorts);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// How many of kBinds UDP sockets bound to port 0 got an equal-byte port.
int EqualBytePortsFromTheKernel() {
  int found = 0;
  for (int i = 0; i < kBinds; ++i) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return -1;
    }
    if (EqualBytes(ntohs(address.sin_port))) ++found;
    ::close(fd);
  }
  return found;
}

// Reads one message of at most 64 KiB, waiting at most 10 s.
std::string ReadMessage(int fd) {
  pollfd ready{fd, POLLIN, 0};
  if (::poll(&ready, 1, 10000) != 1) return "no message within 10 s";
  char buffer[65536];
  ssize_t n = ::read(fd, buffer, sizeof buffer);
  return n > 0 ? std::string(buffer, n) : "no message";
}

void Send(int fd, const std::string& text) {
  if (::write(fd, text.data(), text.size()) < 0) ::_exit(3);
}

TEST(ReservedPorts, ListsEveryPortWhoseTwoBytesAreEqual) {
  std::istringstream list(EqualBytePortList());
  std::string port;
  int count = 0, last = 0;
  while (std::getline(list, port, ',')) {
    int number = std::stoi(port);
    EXPECT_TRUE(EqualBytes(number)) << number;
    EXPECT_GT(number, last) << "in increasing order";
    last = number;
    ++count;
  }
  EXPECT_EQ(count, 255);
  EXPECT_EQ(last, 0xffff);
}

TEST(ReservedPorts, NeverChangesTheCallersOwnNamespace) {
  const std::string before = HostSetting();
  EXPECT_FALSE(ReserveEqualBytePorts(::getpid()));
  EXPECT_FALSE(ReserveEqualBytePorts(0));
  EXPECT_EQ(HostSetting(), before);
}

TEST(ReservedPorts, BindToPortZeroNoLongerGetsOne) {
  if (::geteuid() != 0) GTEST_SKIP() << "a network namespace of its own needs root";
  const std::string host_before = HostSetting();
  int to_parent[2], to_child[2];
  ASSERT_EQ(::pipe(to_parent), 0);
  ASSERT_EQ(::pipe(to_child), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::unshare(CLONE_NEWNET) != 0) ::_exit(2);
    Send(to_parent[1], std::to_string(EqualBytePortsFromTheKernel()));
    pollfd go{to_child[0], POLLIN, 0};
    if (::poll(&go, 1, 10000) != 1) ::_exit(4);
    Send(to_parent[1], std::to_string(EqualBytePortsFromTheKernel()) + " " + HostSetting());
    ::_exit(0);
  }
  const std::string before = ReadMessage(to_parent[0]);
  const bool reserved = ReserveEqualBytePorts(child);
  Send(to_child[1], "go");
  const std::string after = ReadMessage(to_parent[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_GT(std::stoi(before), 0) << "a fresh namespace hands out equal-byte ports";
  EXPECT_TRUE(reserved);
  std::istringstream answer(after);
  int found = -1;
  std::string setting;
  answer >> found >> setting;
  EXPECT_EQ(found, 0) << "equal-byte ports from " << kBinds << " binds to port 0";
  EXPECT_EQ(setting, EqualBytePortList()) << "as the namespace reads it";
  EXPECT_EQ(HostSetting(), host_before) << "the host's own setting";
}

}  // namespace
}  // namespace labkit::run
