#include "grader/run/case_cgroup.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace labkit::run {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kMiB = 1 << 20;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string value = text.str();
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

// A pipe from the children of a test: the test reads it to its end, which
// comes once each child has written and closed it, or died. Bounded: 10 s.
struct Pipe {
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    for (int fd : fds) ::close(fd);
  }
  void Write(const std::string& text) {  // in a child
    (void)!::write(fds[1], text.data(), text.size());
    ::close(fds[1]);
  }
  std::string ReadAll() {
    ::close(fds[1]);
    fds[1] = -1;
    std::string text;
    pollfd ready{fds[0], POLLIN, 0};
    char buffer[4096];
    for (ssize_t n = 1; n > 0 && ::poll(&ready, 1, 10000) == 1;) {
      if ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) text.append(buffer, n);
    }
    return text;
  }
  int fds[2] = {-1, -1};
};

class CaseCgroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cgroups_ = CaseCgroups::Probe();
    if (!cgroups_.usable()) {
      GTEST_SKIP() << "cgroups cannot be used here, so graders fall back to rlimits: "
                   << cgroups_.description();
    }
    // Orphans of the children below come here to be reaped, as in a grader.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  }
  void TearDown() override {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
  }
  CaseCgroups cgroups_;
};

TEST_F(CaseCgroupTest, LimitsAreWritten) {
  CaseCgroup cgroup(cgroups_, "Test.Limits", {64 * kMiB, 8});
  const std::string memory = cgroup.paths().front();
  const std::string pids = cgroup.paths().back();  // v2: the same folder
  if (fs::exists(memory + "/memory.max")) {
    EXPECT_EQ(Read(memory + "/memory.max"), std::to_string(64 * kMiB));
  } else {
    EXPECT_EQ(Read(memory + "/memory.limit_in_bytes"), std::to_string(64 * kMiB));
  }
  EXPECT_EQ(Read(pids + "/pids.max"), "8");
  EXPECT_NE(memory.find("/" + std::to_string(::getpid()) + "@"), std::string::npos) << memory;
}

TEST_F(CaseCgroupTest, BoundsAForkBombAndKillingEmptiesIt) {
  CaseCgroup cgroup(cgroups_, "Test.ForkBomb", {256 * kMiB, 8});
  Pipe report;
  pid_t bomb = ::fork();
  ASSERT_GE(bomb, 0);
  if (bomb == 0) {
    if (!cgroup.Join()) ::_exit(1);
    int forked = 0;
    for (int i = 0; i < 20; ++i) {
      pid_t child = ::fork();
      if (child == 0) {
        ::close(report.fds[1]);
        for (;;) ::pause();
      }
      if (child > 0) ++forked;
    }
    report.Write(std::to_string(forked));
    for (;;) ::pause();
  }
  EXPECT_EQ(report.ReadAll(), "7") << "8 tasks: the bomb and 7 of its children";

  const std::vector<std::string> paths = cgroup.paths();
  cgroup.Destroy();
  for (const std::string& path : paths) EXPECT_FALSE(fs::exists(path)) << path;
  EXPECT_EQ(::kill(bomb, 0), -1) << "killed, and reaped as this process's child";
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(CaseCgroupTest, MemoryLimitCoversTheWholeCaseAndIsReported) {
  CaseCgroup cgroup(cgroups_, "Test.Memory", {64 * kMiB, 16});
  Pipe touched;
  pid_t hog = ::fork();
  ASSERT_GE(hog, 0);
  if (hog == 0) {
    if (!cgroup.Join()) ::_exit(1);
    // Four processes of 32 MiB each: no limit on one process sees 128 MiB.
    for (int i = 0; i < 3 && ::fork() != 0; ++i) {
    }
    const size_t size = 32 * kMiB;
    char* memory = static_cast<char*>(std::malloc(size));
    for (size_t i = 0; memory && i < size; i += 4096) memory[i] = 1;
    touched.Write("+");  // the kernel killed those that do not get here
    for (;;) ::pause();
  }
  EXPECT_LT(touched.ReadAll().size(), 4u);
  const CgroupUsage usage = cgroup.Usage();
  EXPECT_TRUE(usage.memory_limit_reached);
  EXPECT_LE(usage.peak_memory_bytes, 64 * kMiB);
  EXPECT_GT(usage.peak_memory_bytes, 32 * kMiB);
}

TEST_F(CaseCgroupTest, WhatADeadGraderLeftIsKilledAndRemoved) {
  CaseCgroup live(cgroups_, "Test.Live", {64 * kMiB, 8});
  Pipe report;
  pid_t grader = ::fork();
  ASSERT_GE(grader, 0);
  if (grader == 0) {
    // A grader that dies mid-case: its cgroup and the case in it stay.
    auto* left = new CaseCgroup(cgroups_, "Test.Left", {64 * kMiB, 8});
    if (::fork() == 0) {
      if (!left->Join()) ::_exit(1);
      report.Write(left->paths().front());
      for (;;) ::pause();
    }
    ::close(report.fds[1]);
    for (;;) ::pause();
  }
  const std::string left = report.ReadAll();
  ASSERT_TRUE(fs::exists(left)) << "[" << left << "]";
  ASSERT_EQ(::kill(grader, SIGKILL), 0);
  ASSERT_EQ(::waitpid(grader, nullptr, 0), grader);

  cgroups_.RemoveAbandoned();
  EXPECT_FALSE(fs::exists(left)) << "the dead grader's case cgroup is still there: " << left;
  for (const std::string& path : live.paths()) EXPECT_TRUE(fs::exists(path)) << path;
}

}  // namespace
}  // namespace labkit::run
