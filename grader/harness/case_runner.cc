#include "grader/harness/case_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

namespace labkit::harness {
namespace {

constexpr size_t kOutputCap = 16 * 1024;
constexpr size_t kReportCap = 1024 * 1024;

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

namespace {

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

namespace {

// Runs the case's body in this process and ends it: the token goes last, so
// only a body that ran to its end can send it.
[[noreturn]] void RunBody(const CaseBody& body, int report_fd,
                          const std::function<std::string()>& token) {
  Script script(report_fd);
  try {
    body(script);
  } catch (const std::exception& e) {
    script.Fail("the case threw an exception", "no exception", e.what());
  } catch (...) {
    script.Fail("the case threw an exception", "no exception", "an exception of unknown type");
  }
  script.Finish(token());
  std::fflush(nullptr);
  ::_exit(0);
}

[[noreturn]] void RunChild(const CaseBody& body, int report_fd, int output_fd,
                           const std::string& token) {
  ::setpgid(0, 0);
  int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  ::close(devnull);
  ::close(output_fd);
  RunBody(body, report_fd, [&token] { return token; });
}

}  // namespace

void JudgeCase(const CaseProcess& child, const std::string& token, CaseOutcome& outcome) {
  bool finished = false;
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
    } else {
      --step;
    }
  }
  std::string during = running < 0 ? "" : " during step " + outcome.steps[running];
  const int status = child.status;
  if (child.flooded) {
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
  } else if (finished && WEXITSTATUS(status) == 0) {
    outcome.verdict = Verdict::kPassed;
  } else {
    outcome.verdict = Verdict::kExitedEarly;
    outcome.reason = "exited with status " + std::to_string(WEXITSTATUS(status)) +
                     " before the case finished" + during;
  }
}

namespace {

CaseOutcome HarnessError(const char* call, int error) {
  CaseOutcome outcome;
  outcome.reason = std::string("harness: ") + call + " failed: " + std::strerror(error);
  return outcome;
}

}  // namespace

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

CaseOutcome RunIsolated(const CaseOptions& options, const CaseBody& body) {
  std::fflush(nullptr);
  const std::string token = RandomToken();
  // Short, so AF_UNIX paths inside it fit in sun_path; removed after the case.
  char case_dir[] = "/tmp/labkit-case.XXXXXX";
  int report[2] = {-1, -1}, output[2] = {-1, -1};
  pid_t pid = -1;
  const char* failed = nullptr;
  if (::mkdtemp(case_dir) == nullptr) {
    failed = "mkdtemp";
  } else if (::pipe2(report, O_CLOEXEC) != 0 || ::pipe2(output, O_CLOEXEC) != 0) {
    failed = "pipe";
  } else if ((pid = ::fork()) < 0) {
    failed = "fork";
  }
  if (failed != nullptr) {
    const int error = errno;
    for (int fd : {report[0], report[1], output[0], output[1]}) {
      if (fd >= 0) ::close(fd);
    }
    ::rmdir(case_dir);
    return HarnessError(failed, error);
  }
  ::chmod(case_dir, 0777);  // the case may drop privileges
  if (pid == 0) {
    ::close(report[0]);
    ::close(output[0]);
    ::setenv("LABKIT_CASE_DIR", case_dir, 1);
    RunChild(body, report[1], output[1], token);
  }
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
  ::close(report[1]);
  ::close(output[1]);
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);
  ::fcntl(output[0], F_SETFL, O_NONBLOCK);
  CaseProcess child = Supervise(pid, report[0], output[0], options.timeout_ms);
  ::close(report[0]);
  ::close(output[0]);
  std::error_code ignored;
  std::filesystem::remove_all(case_dir, ignored);

  // The case's directory differs on every run; transcripts call it $TMP.
  for (std::string* text : {&child.report, &child.output}) {
    for (size_t at; (at = text->find(case_dir)) != std::string::npos;) {
      text->replace(at, std::strlen(case_dir), "$TMP");
    }
  }

  CaseOutcome outcome;
  outcome.output = child.output;
  outcome.output_bytes = child.output_bytes;
  JudgeCase(child, token, outcome);
  return outcome;
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

namespace {

int FdFromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : -1;
}

// The token arrives on a pipe the grader filled before starting the case,
// and is read only once the body has run to its end.
std::string ReadToken(int fd) {
  std::string token;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') token += c;
  return token;
}

}  // namespace

void RunCase(const CaseOptions& options, const CaseBody& body) {
  const char* mode = std::getenv(kGradeModeVariable);
  if (mode != nullptr && std::string_view(mode) == "list") {
    // The grader asks the reference's binary what each case is worth.
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string line = std::string("L\x1f") + test->test_suite_name() + "." + test->name() +
                       "\x1f" + std::to_string(options.points) + "\x1f" +
                       std::to_string(options.timeout_ms) + "\n";
    if (::write(FdFromEnvironment(kReportFdVariable), line.data(), line.size()) < 0) {
      ADD_FAILURE() << "cannot write the case list";
    }
    return;
  }
  if (mode != nullptr && std::string_view(mode) == "run") {
    // The grader runs one case per process, jailed, and judges it itself.
    int report_fd = FdFromEnvironment(kReportFdVariable);
    int token_fd = FdFromEnvironment(kTokenFdVariable);
    if (const char* dir = std::getenv("LABKIT_CASE_DIR")) ::mkdir(dir, 0777);
    std::fflush(nullptr);
    RunBody(body, report_fd, [token_fd] { return ReadToken(token_fd); });
  }
  CaseOutcome outcome = RunIsolated(options, body);
  ::testing::Test::RecordProperty("points", options.points);
  ::testing::Test::RecordProperty("verdict", VerdictName(outcome.verdict));
  if (!outcome.passed()) {
    ::testing::Test::RecordProperty("reason", outcome.reason);
    ADD_FAILURE() << outcome.Report();
  }
}

}  // namespace labkit::harness
