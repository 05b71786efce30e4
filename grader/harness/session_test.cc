// The messages of a jail session (session.h), between two ends of a
// socketpair in this process; the server itself runs only in the jail, and
// the grader's fixtures grade through it end to end.
#include "grader/harness/session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace labkit::harness::session {
namespace {

class SessionMessages : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends_), 0);
  }
  void TearDown() override {
    for (int fd : ends_) {
      if (fd >= 0) ::close(fd);
    }
  }
  int grader() const { return ends_[0]; }
  int server() const { return ends_[1]; }
  int ends_[2] = {-1, -1};
};

TEST_F(SessionMessages, ARequestCarriesTheCaseNameAndItsOutputPipe) {
  int pipe[2];
  ASSERT_EQ(::pipe(pipe), 0);
  ASSERT_TRUE(SendRequest(grader(), "Socket.OpensAStreamSocket", pipe[1]));
  ::close(pipe[1]);

  std::string name;
  int output = -1;
  ASSERT_TRUE(ReceiveRequest(server(), name, output));
  EXPECT_EQ(name, "Socket.OpensAStreamSocket");
  ASSERT_GE(output, 0);
  // The descriptor that arrived is the pipe's write end: what the case
  // prints reaches the grader.
  ASSERT_EQ(::write(output, "hi", 2), 2);
  ::close(output);
  char text[8] = {};
  EXPECT_EQ(::read(pipe[0], text, sizeof text), 2);
  EXPECT_STREQ(text, "hi");
  ::close(pipe[0]);
}

TEST_F(SessionMessages, ARequestWithoutANameIsNotSent) {
  EXPECT_FALSE(SendRequest(grader(), "", STDOUT_FILENO));
  EXPECT_FALSE(SendRequest(grader(), std::string(5000, 'x'), STDOUT_FILENO));
}

TEST_F(SessionMessages, ARequestWithoutADescriptorIsRefused) {
  ASSERT_EQ(::send(grader(), "Socket.Case", 11, 0), 11);
  std::string name;
  int output = -1;
  EXPECT_FALSE(ReceiveRequest(server(), name, output));
}

TEST_F(SessionMessages, TheStatusComesBackAsTheRawWaitStatus) {
  ASSERT_EQ(::send(server(), "139", 3, 0), 3);
  EXPECT_EQ(ReadStatus(grader()), 139);
  ASSERT_EQ(::send(server(), "-1", 2, 0), 2);
  EXPECT_EQ(ReadStatus(grader()), -1);  // the server could not fork
}

TEST_F(SessionMessages, NonsenseOrSilenceIsNoStatus) {
  EXPECT_EQ(ReadStatus(grader()), std::nullopt);  // nothing waiting
  ASSERT_EQ(::send(server(), "13x", 3, 0), 3);
  EXPECT_EQ(ReadStatus(grader()), std::nullopt);
  ASSERT_EQ(::send(server(), "70000", 5, 0), 5);
  EXPECT_EQ(ReadStatus(grader()), std::nullopt);  // no wait status is that large
  ::close(ends_[1]);
  ends_[1] = -1;
  EXPECT_EQ(ReadStatus(grader()), std::nullopt);  // the server is gone
}

TEST(SessionServer, RefusesToServeOutsideTheJail) {
  // Here PID 1 is not the case launcher: emptying the pid namespace would
  // kill the host's processes, so the server never starts a case.
  bool ran = false;
  EXPECT_EQ(Serve(-1, [&ran](const std::string&) { return ran = true, 0; }), 2);
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace labkit::harness::session
