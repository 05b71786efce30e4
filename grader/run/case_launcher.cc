// case_launcher: the trusted first process inside the jail.
//
//   case_launcher STATUS_FD USER CPU_SECONDS MEMORY_BYTES PROCESSES FILE_BYTES -- PROGRAM ARGS...
//
// Starts PROGRAM (a test binary holding untrusted code) with rlimits, as
// the user id USER ("-": as it is), waits for it, and writes its raw wait
// status to STATUS_FD as one decimal line.
// The jail's own exit code cannot tell a SIGSEGV from exit(139); this can.
// It runs as PID 1 of the jail's pid namespace, so when it exits every
// process the case left behind is killed by the kernel.
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void Limit(int resource, rlim_t value) {
  rlimit limit{value, value};
  ::setrlimit(resource, &limit);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 9 || std::strcmp(argv[7], "--") != 0) {
    std::fprintf(stderr,
                 "usage: case_launcher STATUS_FD USER CPU_SECONDS MEMORY_BYTES PROCESSES "
                 "FILE_BYTES -- PROGRAM ARGS...\n");
    return 2;
  }
  const int status_fd = std::atoi(argv[1]);
  // Not dumpable: the case's processes (same user) cannot open this one's
  // descriptors through /proc and forge the status.
  ::prctl(PR_SET_DUMPABLE, 0);
  pid_t child = ::fork();
  if (child < 0) return 3;
  if (child == 0) {
    ::close(status_fd);
    Limit(RLIMIT_CPU, std::strtoull(argv[3], nullptr, 10));
    Limit(RLIMIT_AS, std::strtoull(argv[4], nullptr, 10));
    Limit(RLIMIT_NPROC, std::strtoull(argv[5], nullptr, 10));
    Limit(RLIMIT_FSIZE, std::strtoull(argv[6], nullptr, 10));
    Limit(RLIMIT_NOFILE, 1024);  // a split case keeps its own descriptors from 800 up
    Limit(RLIMIT_CORE, 0);
    // The case's own user, with no capabilities left: it cannot touch this
    // process, and RLIMIT_NPROC counts its processes alone.
    if (std::strcmp(argv[2], "-") != 0) {
      const uid_t user = static_cast<uid_t>(std::strtoul(argv[2], nullptr, 10));
      if (::setgroups(0, nullptr) != 0 || ::setresgid(user, user, user) != 0 ||
          ::setresuid(user, user, user) != 0) {
        std::perror("case_launcher: cannot become the case's user");
        ::_exit(126);
      }
    }
    ::execv(argv[8], argv + 8);
    std::perror("case_launcher: exec");
    ::_exit(127);
  }
  // As PID 1, orphans are reparented here: reap them until the case ends.
  int status = 0;
  while (true) {
    int any = 0;
    pid_t done = ::waitpid(-1, &any, 0);
    if (done == child) {
      status = any;
      break;
    }
    if (done < 0 && errno != EINTR) return 4;
  }
  std::string line = std::to_string(status) + "\n";
  if (::write(status_fd, line.data(), line.size()) < 0) return 5;
  return 0;
}
