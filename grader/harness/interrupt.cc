#include "grader/harness/interrupt.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>

#include "grader/harness/loopback.h"
#include "grader/harness/remote_client.h"

namespace labkit::harness {
namespace {

std::atomic<int> interrupts_handled{0};

// Async-signal-safe: only a lock-free atomic.
void CountInterrupt(int) { interrupts_handled.fetch_add(1); }

}  // namespace

void InstallInterruptHandler(Script& s) {
  struct sigaction action {};
  action.sa_handler = CountInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: that is the point
  s.Sys("sigaction(SIGUSR1, a handler without SA_RESTART)",
        ::sigaction(SIGUSR1, &action, nullptr));
}

// A split case's blocked call runs in the student process, which counts
// its own SIGUSR1s (remote_client.h).
int InterruptsHandled() {
  return remote::Active() ? remote::InterruptsHandledThere() : interrupts_handled.load();
}

pid_t ThisThread() { return ::gettid(); }

bool SleepsIn(pid_t tid, const std::vector<long>& calls, int fd) {
  // The thread that runs `tid`'s calls of the lab: in a split case, the
  // student process's thread serving it.
  const remote::ThreadRef where = remote::Serving(tid);
  const std::string task =
      "/proc/" + std::to_string(where.process) + "/task/" + std::to_string(where.thread);
  const std::string call = ReadFile(task + "/syscall");
  const std::string stat = ReadFile(task + "/stat");
  // The state follows the "(name)", which may itself hold spaces or ')'.
  const size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos || stat.compare(name_end, 3, ") S") != 0) return false;
  if (call != ReadFile(task + "/syscall")) return false;  // it moved on meanwhile
  // "NUMBER ARG1 ARG2 ...", or "running" / "-1 ..." when not in a call.
  long number = -1;
  unsigned long first_argument = 0;
  std::istringstream fields(call);
  if (!(fields >> number >> std::hex >> first_argument)) return false;
  if (std::find(calls.begin(), calls.end(), number) == calls.end()) return false;
  return fd == kAnyFd || first_argument == static_cast<unsigned long>(fd);
}

const std::vector<long>& ReadinessWaits() {
  static const std::vector<long> calls = {
      SYS_ppoll, SYS_pselect6, SYS_epoll_pwait,
#ifdef SYS_poll  // the older forms exist on x86-64, not on every architecture
      SYS_poll,  SYS_select,   SYS_epoll_wait,
#endif
  };
  return calls;
}

bool SpinUntil(const std::function<bool()>& done, int timeout_ms,
               const std::atomic<bool>* give_up) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if ((give_up != nullptr && give_up->load()) || std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    ::sched_yield();
  }
  return true;
}

Interruption Interrupt(pid_t tid, const std::function<bool()>& blocked, int timeout_ms,
                       const std::atomic<bool>* give_up) {
  const int before = InterruptsHandled();
  if (!SpinUntil(blocked, timeout_ms, give_up)) return Interruption::kNeverBlocked;
  const remote::ThreadRef where = remote::Serving(tid);
  ::tgkill(where.process, where.thread, SIGUSR1);
  auto handled = [before] { return InterruptsHandled() > before; };
  // One last look after giving up: the handler may have run meanwhile.
  if (SpinUntil(handled, timeout_ms, give_up) || handled()) return Interruption::kDone;
  return Interruption::kHandlerNeverRan;
}

}  // namespace labkit::harness
