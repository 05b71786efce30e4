// What a jailed case and a jail session (case_session.h) share: how the jail
// is started, its limits, and how what the grader saw of a case becomes its
// verdict. Internal to the run stage.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "grader/harness/case_process.h"
#include "grader/run/case_cgroup.h"
#include "grader/run/jail.h"

namespace labkit::run::jail_parts {

inline constexpr int kStartupMarginMs = 1000;  // starting the jail, even on a busy machine
inline constexpr const char* kCaseDirInJail = "/tmp/labkit-case";
inline constexpr const char* kOutDirInJail = "/labkit/out";
inline constexpr const char* kLibraryInJail = "/labkit/student.so";
inline constexpr int kCpuSeconds = 10;
// Per process as an rlimit (address space); with a cgroup, by default, for
// the whole case as well.
inline constexpr int64_t kMemoryBytes = 1 << 30;
inline constexpr int kProcesses = 64;  // per case user (RLIMIT_NPROC)
// The cgroup's bound on tasks: the student's processes, plus the kit's own
// (bubblewrap, the launcher, the session server, the test process) and
// their threads.
inline constexpr int kCaseTasks = kProcesses + 16;
inline constexpr int kCannotJoinCgroup = 125;  // exit status: the kernel refused the move
inline constexpr size_t kReportCap = 1024 * 1024;
// Inside the jail the fds are always these numbers. A session's server
// gets its control socket as 5; a single case's jail (as root) instead
// waits for a byte on 5 before it starts the launcher (bubblewrap's
// --block-fd), so that the grader can set up its network first.
inline constexpr int kStatusFd = 3, kInfoFd = 4, kSessionFd = 5, kBlockFd = 5;

bool IsRoot();

// The student process's user: as root, its worker's user from the pool;
// "" (as the test) otherwise.
std::string CaseUser(const Isolation& isolation, const CaseToRun& spec);

// bubblewrap's arguments up to and including the launcher's path. `spec`
// and `out_dir` are empty for the probe, which only starts the jail. A
// session's suite serves cases on kSessionFd instead of running one; a
// single case's jail, as root, waits on kBlockFd.
std::vector<std::string> JailArguments(const Isolation& isolation, const CaseToRun& spec,
                                       const std::string& out_dir, const std::string& user,
                                       bool session = false);

// The launcher's own arguments, up to and including `program`.
std::vector<std::string> LauncherArguments(const std::string& program);

// Moves `fds` to exactly 3, 4, ... (in order) without one clobbering another.
void PlaceFds(std::initializer_list<int> fds);

// Never returns: runs `args` (found on PATH) in place of this process, or
// exits with 127 as a shell does when it cannot.
[[noreturn]] void Exec(std::vector<std::string> args);

// Reads {"child-pid": N, ...} from bubblewrap's --info-fd; -1 if it never came.
pid_t JailedLauncherPid(int info_fd);

// A new folder "labkit-run.<our pid>.XXXXXX" in `parent` (named after this
// process, like the grader's work folder, so that one left by a grader
// killed mid-case is recognised and removed); "" if it cannot be made.
std::string MakeRunFolder(const std::string& parent);

// A new file holding `text`; false if it existed or could not be written.
bool WriteFile(const std::string& path, const std::string& text);

// At most `cap` bytes of a file the test process wrote; empty if none.
std::string ReadCapped(const std::string& path, size_t cap);

// Not the submission's doing: the case is run again, and if it happens
// again it is reported as the machine's problem.
CaseRun HarnessProblem(const std::string& what);

// What the grader saw of one case, to be judged.
struct SeenCase {
  harness::CaseProcess process;  // status: the case process's, if has_status
  bool has_status = false;       // the launcher (or session server) reported it
  std::string no_status_reason;  // why not, when that is the grader's problem
  CgroupUsage usage;
  std::chrono::steady_clock::duration ran{};
  std::string token;
  std::string shown_dir;  // the case's temp folder, shown as $TMP
};

// The verdict: the wait status, the records ending in the token, the
// timeout, the cgroup's view; or a HarnessProblem.
CaseRun JudgeSeenCase(const Isolation& isolation, SeenCase seen);

}  // namespace labkit::run::jail_parts
