#include "grader/harness/case_process.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <sstream>

namespace labkit::harness {
namespace {

constexpr size_t kOutputCap = 16 * 1024;
constexpr size_t kReportCap = 1024 * 1024;

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, '\x1f')) fields.push_back(field);
  return fields;
}

// Reads what is available without blocking; false at end of file.
bool Drain(int fd, std::string& into, size_t cap, size_t* total = nullptr) {
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      if (total) *total += static_cast<size_t>(n);
      if (into.size() < cap) into.append(buffer, std::min<size_t>(n, cap - into.size()));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0;  // EAGAIN: still open; 0: end of file
  }
}

}  // namespace

std::string RandomToken() {
  unsigned char bytes[16];
  if (getrandom(bytes, sizeof bytes, 0) != sizeof bytes) std::abort();
  std::string token;
  for (unsigned char b : bytes) {
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02x", b);
    token += hex;
  }
  return token;
}

CaseProcess Supervise(pid_t pid, int report_fd, int output_fd, int timeout_ms,
                      pid_t kill_first) {
  CaseProcess result;
  result.timeout_ms = timeout_ms;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  bool report_open = true, output_open = true;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      result.timed_out = true;
      break;
    }
    pollfd fds[3] = {{report_open ? report_fd : -1, POLLIN, 0},
                     {output_open ? output_fd : -1, POLLIN, 0},
                     {pidfd, POLLIN, 0}};
    int ready = ::poll(fds, 3, static_cast<int>(left));
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents) report_open = Drain(report_fd, result.report, kReportCap);
    if (fds[1].revents) {
      output_open = Drain(output_fd, result.output, kOutputCap, &result.output_bytes);
      if (result.output_bytes > kOutputFloodBytes) {
        result.flooded = true;  // no point waiting for the timeout
        break;
      }
    }
    if (fds[2].revents) break;  // the child has exited
    // Without a pidfd (kernels before 5.3), both pipes closing stands in.
    if (pidfd < 0 && !report_open && !output_open) break;
  }
  // A jail's first process goes first: its pid namespace dies with it, and
  // the jail exits only once all of it is gone, so waiting for `pid` below
  // waits for every process of the case.
  if (kill_first > 0) {
    ::kill(kill_first, SIGKILL);
  } else {
    // Kill the whole process group: the child on a timeout, and anything it
    // forked that is still around in every case.
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  ::waitpid(pid, &result.status, 0);
  ::kill(-pid, SIGKILL);
  Drain(report_fd, result.report, kReportCap);
  Drain(output_fd, result.output, kOutputCap, &result.output_bytes);
  if (pidfd >= 0) ::close(pidfd);
  return result;
}

bool DrainOutput(int fd, CaseProcess& into) {
  const bool open = Drain(fd, into.output, kOutputCap, &into.output_bytes);
  if (into.output_bytes > kOutputFloodBytes) into.flooded = true;
  return open;
}

void KillEveryProcessOf(uid_t user) {
  // A task that shares this process's memory (no copy of it to make or to
  // fault back in), on a stack of its own, while this one waits (vfork).
  // So it makes raw system calls only: glibc's setresuid would change the
  // user of this process's threads too.
  struct Killer {
    uid_t user;
    static int Run(void* self) {
      const uid_t id = static_cast<Killer*>(self)->user;
      if (::syscall(SYS_setresgid, id, id, id) == 0 && ::syscall(SYS_setresuid, id, id, id) == 0) {
        // kill(-1) reaches every process this user may signal: all of its
        // own. A few rounds, as a fork bomb forks while it is being killed;
        // once SIGKILL is pending a process can neither run nor fork again.
        for (int round = 0; round < 10 && ::syscall(SYS_kill, -1, SIGKILL) == 0; ++round) {
        }
      }
      return 0;
    }
  } killer{user};
  // The parent stays suspended until the task exits: its stack may lie in this frame.
  alignas(16) char stack[16 * 1024];
  const pid_t pid = ::clone(&Killer::Run, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD,
                            &killer);
  if (pid > 0) ::waitpid(pid, nullptr, 0);
}

void JudgeCase(const CaseProcess& child, const std::string& token, CaseOutcome& outcome) {
  bool finished = false;
  // A split case's test process records how the student process ended, or
  // that it did not answer in time; the test process itself exits cleanly.
  std::optional<int> student_status;
  std::optional<int> student_timeout_ms;
  int step = 0;
  int running = -1;  // the step whose call of the code under test has not returned
  std::istringstream lines(child.report);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> f = SplitFields(line);
    if (f.size() < 2) continue;
    const std::string& kind = f[0];
    std::string number = std::to_string(++step) + ". ";
    if (kind == "N") {
      outcome.steps.push_back(number + f[1]);
    } else if (kind == "B") {
      outcome.steps.push_back(number + f[1]);
      running = static_cast<int>(outcome.steps.size()) - 1;
    } else if (kind == "E" && running >= 0) {
      outcome.steps[running] += " -> " + f[1];
      running = -1;
      --step;
    } else if (kind == "S") {
      outcome.steps.push_back(std::string(kCallIndent) + f[1]);
      --step;
    } else if (kind == "C" && f.size() >= 3) {
      outcome.steps.push_back(number + "check " + f[1] + ": " + f[2]);
    } else if (kind == "F" && f.size() >= 4) {
      outcome.failed = Expectation{f[1], f[2], f[3], f.size() > 4 ? f[4] : ""};
      --step;
    } else if (kind == "P") {
      finished = f[1] == token;
      --step;
    } else if (kind == "X") {
      student_status = std::atoi(f[1].c_str());
      --step;
    } else if (kind == "T") {
      student_timeout_ms = std::atoi(f[1].c_str());
      --step;
    } else {
      --step;
    }
  }
  std::string during = running < 0 ? "" : " during step " + outcome.steps[running];
  const int status = student_status.value_or(child.status);
  if (student_timeout_ms && !outcome.failed) {
    outcome.verdict = Verdict::kTimedOut;
    outcome.reason = "timed out after " + std::to_string(*student_timeout_ms) + " ms" + during;
  } else if (child.flooded) {
    outcome.verdict = Verdict::kCrashed;
    outcome.reason = "killed after printing more than " +
                     std::to_string(kOutputFloodBytes / (1024 * 1024)) + " MiB" + during;
  } else if (child.timed_out) {
    outcome.verdict = Verdict::kTimedOut;
    outcome.reason = "timed out after " + std::to_string(child.timeout_ms) + " ms" + during;
  } else if (outcome.failed) {
    outcome.verdict = Verdict::kFailed;
    outcome.reason = "expectation failed: " + outcome.failed->what;
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sigabbrev_np(sig);
    outcome.verdict = Verdict::kCrashed;
    outcome.reason = std::string("killed by SIG") + (name ? name : "?") + " (" +
                     strsignal(sig) + ")" + during;
  } else if (finished && !student_status && WEXITSTATUS(status) == 0) {
    outcome.verdict = Verdict::kPassed;
  } else {
    outcome.verdict = Verdict::kExitedEarly;
    outcome.reason = "exited with status " + std::to_string(WEXITSTATUS(status)) +
                     " before the case finished" + during;
  }
}

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed: return "passed";
    case Verdict::kFailed: return "failed";
    case Verdict::kTimedOut: return "timed_out";
    case Verdict::kCrashed: return "crashed";
    case Verdict::kExitedEarly: return "exited_early";
  }
  return "unknown";
}

std::string CaseOutcome::Report() const {
  std::string text = passed() ? "Passed after these steps:\n"
                              : "Failed (" + reason + ") after these steps:\n";
  for (const std::string& step : steps) text += "  " + step + "\n";
  if (failed) {
    text += "  >>> " + failed->what + "\n";
    text += "        expected: " + failed->expected + "\n";
    text += "        actual:   " + failed->actual + "\n";
    if (!failed->hint.empty()) text += "        hint:     " + failed->hint + "\n";
  }
  if (output_bytes > 0) {
    text += "Output of the case (" + std::to_string(output_bytes) + " bytes" +
            (output_bytes > output.size() ? ", first " + std::to_string(output.size()) + " shown"
                                          : "") +
            "):\n" + output;
    if (!output.empty() && output.back() != '\n') text += "\n";
  }
  return text;
}

}  // namespace labkit::harness
