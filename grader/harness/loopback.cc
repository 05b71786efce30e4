#include "grader/harness/loopback.h"

#include "grader/harness/case_process.h"
#include "grader/harness/remote_client.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "grader/harness/show.h"

namespace labkit::harness {

std::string LocalAddress(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "(getsockname failed: " + ErrnoName(errno) + ")";
  }
  return FormatSockaddr(reinterpret_cast<sockaddr*>(&address), length);
}

std::string PeerAddress(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    return "(getpeername failed: " + ErrnoName(errno) + ")";
  }
  return FormatSockaddr(reinterpret_cast<sockaddr*>(&address), length);
}

uint16_t LocalPort(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  }
  return 0;
}

socklen_t MakeInetAddress(const std::string& ip, uint16_t port, sockaddr_storage& out) {
  out = {};
  auto* in = reinterpret_cast<sockaddr_in*>(&out);
  if (::inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (::inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    return sizeof(sockaddr_in6);
  }
  throw std::invalid_argument("not a numeric address: " + ip);
}

uint16_t UnusedPort(const std::string& ip) {
  sockaddr_storage address;
  socklen_t length = MakeInetAddress(ip, 0, address);
  while (true) {
    int fd = ::socket(address.ss_family, SOCK_STREAM, 0);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
      throw std::runtime_error("cannot bind a probe socket on " + ip);
    }
    uint16_t port = LocalPort(fd);
    ::close(fd);
    if ((port >> 8) != (port & 0xff)) return port;
  }
}

int IntOption(int fd, int level, int option) {
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, level, option, &value, &length) != 0) return -errno;
  return value;
}

bool WaitFor(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int ready;
  do {
    ready = ::poll(&p, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  // POLLHUP and POLLERR also end the wait: the caller's next call reports them.
  return ready == 1;
}

int CountOpenFds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  const int own = ::dirfd(dir);
  int count = 0;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::atoi(entry->d_name);
    // Neither the directory stream's own descriptor nor those of a split
    // case's machinery (remote_client.h) are the case's.
    if (fd != own && fd < remote::kFirstPrivateFd) ++count;
  }
  ::closedir(dir);
  return count;
}

Named FileKind(const std::string& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return {"nothing"};
  if (S_ISSOCK(info.st_mode)) return {"a socket file"};
  if (S_ISDIR(info.st_mode)) return {"a directory"};
  if (S_ISFIFO(info.st_mode)) return {"a fifo"};
  if (S_ISREG(info.st_mode)) return {"a regular file"};
  if (S_ISLNK(info.st_mode)) {
    char target[256] = {};
    ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
    return {"a symbolic link to \"" + std::string(target, n > 0 ? n : 0) + "\""};
  }
  return {"another kind of file"};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string MakeTempDir() {
  const char* base = std::getenv("LABKIT_CASE_DIR");
  const std::string parent = base && *base ? base : "/tmp";
  // Numbered rather than random, so transcripts read the same on every run.
  for (int n = 1;; ++n) {
    std::string dir = parent + "/d" + std::to_string(n);
    if (::mkdir(dir.c_str(), 0777) == 0) {
      ::chmod(dir.c_str(), 0777);  // the case may drop privileges and still write here
      return dir;
    }
    if (errno != EEXIST) throw std::runtime_error("mkdir " + dir + ": " + ErrnoName(errno));
  }
}

unsigned CaseNumber() {
  const char* fixed = std::getenv(kCaseNumberVariable);
  return fixed != nullptr && *fixed != '\0' ? static_cast<unsigned>(std::atoi(fixed))
                                            : static_cast<unsigned>(::getpid());
}

void DropPrivileges() {
  // Split in two, the code under test already runs as the case's own user,
  // and the test process must keep the rights it watches that one with.
  if (::geteuid() != 0 || remote::Active()) return;
  constexpr uid_t kNobody = 65534;
  if (::setgroups(0, nullptr) != 0 || ::setresgid(kNobody, kNobody, kNobody) != 0 ||
      ::setresuid(kNobody, kNobody, kNobody) != 0) {
    throw std::runtime_error("cannot drop privileges: " + ErrnoName(errno));
  }
}

ReadinessPipe::ReadinessPipe() {
  if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
}

ReadinessPipe::~ReadinessPipe() {
  ::close(fds_[0]);
  ::close(fds_[1]);
}

void ReadinessPipe::Signal() {
  char byte = 1;
  while (::write(fds_[1], &byte, 1) < 0 && errno == EINTR) {
  }
}

bool ReadinessPipe::Wait(int timeout_ms) {
  if (!WaitFor(fds_[0], POLLIN, timeout_ms)) return false;
  char byte;
  return ::read(fds_[0], &byte, 1) == 1;
}

}  // namespace labkit::harness
