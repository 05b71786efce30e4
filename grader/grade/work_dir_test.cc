// Work folders: a new one is ours and readable by the case users; one a dead
// grader left is removed, one a live process owns is kept.
#include "grader/grade/work_dir.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "grader/testing/scratch.h"
namespace labkit::grade {
namespace {

namespace fs = std::filesystem;

// The pid of a process that has exited and been reaped: no process has it
// until the kernel hands it out again, which takes a full turn of pids.
pid_t DeadPid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

std::string Abandoned(const std::string& parent, const std::string& prefix, pid_t pid) {
  const std::string dir = parent + "/" + prefix + std::to_string(pid) + ".abc123";
  fs::create_directories(dir + "/stage-1");
  std::ofstream(dir + "/stage-1/socket_lab.cc") << "int x;\n";
  return dir;
}

TEST(MakeWorkDir, MakesANewFolderNamedAfterOurPidThatCaseUsersCanRead) {
  const std::string parent = scratch::Dir("new");
  const std::string dir = MakeWorkDir(parent);
  EXPECT_EQ(dir.rfind(parent + "/labkit-grade." + std::to_string(::getpid()) + ".", 0), 0u) << dir;
  struct stat info {};
  ASSERT_EQ(::stat(dir.c_str(), &info), 0);
  EXPECT_TRUE(S_ISDIR(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0755u);
  EXPECT_NE(MakeWorkDir(parent), dir);  // a second grader of the same process gets its own
}

TEST(MakeWorkDir, RemovesTheFoldersOfAGraderThatIsGone) {
  const std::string parent = scratch::Dir("abandoned");
  const pid_t dead = DeadPid();
  const std::string grade = Abandoned(parent, "labkit-grade.", dead);
  const std::string run = Abandoned(parent, "labkit-run.", dead);
  MakeWorkDir(parent);
  EXPECT_FALSE(fs::exists(grade));
  EXPECT_FALSE(fs::exists(run));
}

TEST(RemoveAbandonedWorkDirs, TakesOtherPrefixesWhenGivenThem) {
  // As .labkit/precompiled holds, beside the kept folders, a replacement a
  // killed grader left half way.
  const std::string parent = scratch::Dir("prefixes");
  const pid_t dead = DeadPid();
  const std::string arriving = Abandoned(parent, "labkit-new.", dead);
  const std::string live = Abandoned(parent, "labkit-old.", ::getpid());
  const std::string kept = parent + "/01_socket-socket_lab";
  fs::create_directories(kept);
  RemoveAbandonedWorkDirs(parent, {"labkit-new.", "labkit-old."});
  EXPECT_FALSE(fs::exists(arriving));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(kept));
}

TEST(RemoveAbandonedWorkDirs, KeepsTheFoldersOfALiveProcessAndEverythingElse) {
  const std::string parent = scratch::Dir("kept");
  const std::string ours = Abandoned(parent, "labkit-grade.", ::getpid());
  const std::string parents = Abandoned(parent, "labkit-run.", ::getppid());
  const std::string other = parent + "/labkit-fixtures.123";
  const std::string no_pid = parent + "/labkit-grade.notapid";
  fs::create_directories(other);
  fs::create_directories(no_pid);
  RemoveAbandonedWorkDirs(parent);
  EXPECT_TRUE(fs::exists(ours));
  EXPECT_TRUE(fs::exists(parents));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(no_pid));
}

TEST(MakeWorkDir, SaysWhereWhenItCannotMakeTheFolder) {
  const std::string parent = scratch::Dir("missing") + "/no/such/folder";
  try {
    MakeWorkDir(parent);
    FAIL() << "made a folder in " << parent;
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(parent), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace labkit::grade
