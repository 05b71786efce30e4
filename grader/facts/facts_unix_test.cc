// Facts about AF_UNIX names (handouts 02, 03 and 05): socket files, the size
// of sun_path, abstract names. Each TEST is cited by a handout.
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "grader/facts/fact_support.h"

namespace labkit::facts {
namespace {

constexpr size_t kSunPath = sizeof(sockaddr_un::sun_path);

// bind(fd, path): the errno, 0 on success. The length covers the path and its
// NUL when they fit, or the whole structure when the path fills sun_path.
int BindPath(int fd, const std::string& path) {
  sockaddr_un address = UnixPath(path);
  socklen_t length = path.size() < kSunPath ? offsetof(sockaddr_un, sun_path) + path.size() + 1
                                             : sizeof address;
  return ErrnoOf(::bind(fd, Sa(&address), length));
}

int ConnectPath(int fd, const std::string& path) {
  sockaddr_un address = UnixPath(path);
  return ErrnoOf(::connect(fd, Sa(&address), sizeof address));
}

sockaddr_un Abstract(const std::string& name, socklen_t* length) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  name.copy(address.sun_path + 1, name.size());
  *length = offsetof(sockaddr_un, sun_path) + 1 + name.size();
  return address;
}

bool IsSocketFile(const std::string& path) {
  struct stat info{};
  return ::lstat(path.c_str(), &info) == 0 && S_ISSOCK(info.st_mode);
}

// A name no other test run on this host is using.
std::string UniqueName(const char* what) {
  return std::string("labkit-facts-") + what + "-" + std::to_string(::getpid());
}

TEST(FactsUnix, BindCreatesASocketFileThatOutlivesTheSocket) {
  const std::string path = TempDir() + "/server.sock";
  Fd first(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_EQ(BindPath(first.get(), path), 0);
  EXPECT_TRUE(IsSocketFile(path));
  first.reset();
  EXPECT_TRUE(IsSocketFile(path)) << "the file is gone after close()";
  Fd second(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(BindPath(second.get(), path), EADDRINUSE);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  EXPECT_EQ(BindPath(second.get(), path), 0);
}

TEST(FactsUnix, AnyFileAtThePathIsEaddrinuse) {
  const std::string path = TempDir() + "/notes.txt";
  std::ofstream(path) << "keep me";
  Fd fd(::socket(AF_UNIX, SOCK_DGRAM, 0));
  EXPECT_EQ(BindPath(fd.get(), path), EADDRINUSE);
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "keep me");
  // The same for every other kind of file, a dangling symlink included.
  const std::string dir = TempDir();
  ASSERT_EQ(::mkdir((dir + "/directory").c_str(), 0700), 0);
  ASSERT_EQ(::mkfifo((dir + "/fifo").c_str(), 0600), 0);
  ASSERT_EQ(::symlink((dir + "/missing").c_str(), (dir + "/dangling").c_str()), 0);
  Fd live(::socket(AF_UNIX, SOCK_DGRAM, 0));
  ASSERT_EQ(BindPath(live.get(), dir + "/live.sock"), 0);
  ASSERT_EQ(::symlink((dir + "/live.sock").c_str(), (dir + "/to-socket").c_str()), 0);
  for (const char* name : {"directory", "fifo", "dangling", "live.sock", "to-socket"}) {
    EXPECT_EQ(BindPath(fd.get(), dir + "/" + name), EADDRINUSE) << name;
  }
}

TEST(FactsUnix, MissingDirectoryIsEnoent) {
  Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(BindPath(fd.get(), TempDir() + "/missing/server.sock"), ENOENT);
}

TEST(FactsUnix, UnwritableDirectoryIsEacces) {
  const std::string dir = TempDir() + "/read-only";
  ASSERT_EQ(::mkdir(dir.c_str(), 0555), 0);
  std::string why;
  int error = AsUnprivileged([&dir] {
    Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    return BindPath(fd.get(), dir + "/server.sock");
  }, &why);
  if (error == -1) GTEST_SKIP() << "not checked: " << why;
  EXPECT_EQ(error, EACCES) << ErrnoName(error);
}

TEST(FactsUnix, PathOf108BytesIsAccepted) {
  // Linux takes a path that fills sun_path with no NUL (man 7 unix, BUGS);
  // other systems need the NUL, so the labs' contracts stop at 107.
  std::string dir = TempDir() + "/";
  const std::string path = dir + std::string(kSunPath - dir.size(), 'p');
  ASSERT_EQ(path.size(), kSunPath);
  Fd server(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_EQ(BindPath(server.get(), path), 0);
  EXPECT_TRUE(IsSocketFile(path));
  EXPECT_EQ(ErrnoOf(::listen(server.get(), 1)), 0);
  Fd client(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ConnectPath(client.get(), path), 0);
}

TEST(FactsUnix, LengthBeyondSunPathIsEinval) {
  sockaddr_storage storage{};
  auto& address = reinterpret_cast<sockaddr_un&>(storage);
  address.sun_family = AF_UNIX;
  std::string(kSunPath, 'p').copy(address.sun_path, kSunPath);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(fd.get(), Sa(&storage), sizeof(sockaddr_un) + 1)), EINVAL);
}

TEST(FactsUnix, AbstractNameMakesNoFileAndKeepsItsLength) {
  InDirectory here(TempDir());
  ASSERT_TRUE(here.entered());
  const std::string name = UniqueName("abstract");
  socklen_t length;
  sockaddr_un address = Abstract(name, &length);
  {
    Fd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    ASSERT_EQ(ErrnoOf(::bind(fd.get(), Sa(&address), length)), 0);
    sockaddr_un back{};
    socklen_t back_length = sizeof back;
    ASSERT_EQ(::getsockname(fd.get(), Sa(&back), &back_length), 0);
    EXPECT_EQ(back_length, length);
    EXPECT_EQ(std::string(back.sun_path + 1, back_length - offsetof(sockaddr_un, sun_path) - 1),
              name);
    struct stat info{};
    EXPECT_EQ(ErrnoOf(::lstat(name.c_str(), &info)), ENOENT) << "a file was made";
  }
  // The name went away with its last socket: it can be bound again at once.
  Fd again(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::bind(again.get(), Sa(&address), length)), 0);
}

TEST(FactsUnix, AbstractNamePaddedWithNulsIsAnotherName) {
  socklen_t exact;
  sockaddr_un address = Abstract(UniqueName("padded"), &exact);
  Fd server(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_EQ(ErrnoOf(::bind(server.get(), Sa(&address), sizeof address)), 0);
  ASSERT_EQ(::listen(server.get(), 4), 0);
  Fd exact_client(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::connect(exact_client.get(), Sa(&address), exact)), ECONNREFUSED);
  Fd padded_client(::socket(AF_UNIX, SOCK_STREAM, 0));
  EXPECT_EQ(ErrnoOf(::connect(padded_client.get(), Sa(&address), sizeof address)), 0);
}

TEST(FactsUnix, ReuseaddrDoesNotReplaceASocketFile) {
  const std::string path = TempDir() + "/server.sock";
  Fd old(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_EQ(BindPath(old.get(), path), 0);
  old.reset();
  Fd fresh(::socket(AF_UNIX, SOCK_STREAM, 0));
  int on = 1;
  ASSERT_EQ(::setsockopt(fresh.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on), 0);
  EXPECT_EQ(BindPath(fresh.get(), path), EADDRINUSE);
}

}  // namespace
}  // namespace labkit::facts
