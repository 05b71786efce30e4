// What a jail session's server removes between cases: objects a case made
// as its own user, removed by a root that, like the server, lacks
// CAP_SYS_ADMIN and CAP_FOWNER. Each test runs in a child with IPC and
// mount namespaces of its own, so the host's objects are never touched.
#include "grader/harness/ipc_sweep.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <mqueue.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "gtest/gtest.h"

namespace labkit::harness {
namespace {

constexpr uid_t kCaseUser = 65534;
constexpr key_t kKey = 0x1abc17;

// Without the capabilities that would let root remove anyone's object.
bool DropAdminCapabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  for (int capability : {CAP_SYS_ADMIN, CAP_FOWNER}) {
    data[capability / 32].effective &= ~(1u << (capability % 32));
    data[capability / 32].permitted &= ~(1u << (capability % 32));
  }
  return ::syscall(SYS_capset, &header, data) == 0;
}

// Runs `make` as the case user in a child; true if it returned true.
bool AsCaseUser(const std::function<bool()>& make) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(::setresuid(kCaseUser, kCaseUser, kCaseUser) == 0 && make() ? 0 : 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Runs `test` in a child with namespaces of its own; its exit code is the
// first failed step (0: all passed).
int InNamespaces(const std::function<int()>& test) {
  const pid_t child = ::fork();
  if (child == 0) {
    if (::unshare(CLONE_NEWIPC | CLONE_NEWNS) != 0) ::_exit(100);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(101);
    ::_exit(test());
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

class IpcSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "namespaces of its own and a case user need root";
  }
};

TEST_F(IpcSweepTest, RemovesEverySystemVObjectACaseLeft) {
  EXPECT_EQ(InNamespaces([] {
              if (!AsCaseUser([] {
                    return ::shmget(kKey, 4096, IPC_CREAT | 0600) >= 0 &&
                           ::semget(kKey, 1, IPC_CREAT | 0600) >= 0 &&
                           ::msgget(kKey, IPC_CREAT | 0600) >= 0;
                  })) {
                return 1;
              }
              if (!DropAdminCapabilities()) return 2;
              if (::shmctl(::shmget(kKey, 0, 0), IPC_RMID, nullptr) == 0) return 3;  // as root: refused
              if (SweepSystemVObjects() != 3) return 4;
              if (::shmget(kKey, 0, 0) >= 0 || ::semget(kKey, 0, 0) >= 0 || ::msgget(kKey, 0) >= 0) {
                return 5;
              }
              if (::geteuid() != 0) return 6;  // root again after the sweep
              return SweepSystemVObjects() == 0 ? 0 : 7;
            }),
            0)
      << "1 make, 2 drop capabilities, 3 root alone could remove, 4 swept count, 5 left, "
         "6 not root again, 7 a second sweep found more";
}

TEST_F(IpcSweepTest, RemovesEveryPosixMessageQueueACaseLeft) {
  const std::string dir = ::testing::TempDir() + "/mqueue";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(InNamespaces([&] {
              if (::mount("mqueue", dir.c_str(), "mqueue", 0, nullptr) != 0) return 1;
              if (!AsCaseUser([] {
                    mq_attr attributes{};
                    attributes.mq_maxmsg = 1;
                    attributes.mq_msgsize = 8;
                    return ::mq_open("/left-behind", O_CREAT | O_RDWR, 0600, &attributes) >= 0;
                  })) {
                return 2;
              }
              if (!DropAdminCapabilities()) return 3;
              if (SweepMessageQueues(dir) != 1) return 4;
              if (!std::filesystem::is_empty(dir)) return 5;
              return ::geteuid() == 0 ? 0 : 6;
            }),
            0)
      << "1 mount, 2 make, 3 drop capabilities, 4 swept count, 5 left, 6 not root again";
}

}  // namespace
}  // namespace labkit::harness
