#include "grader/harness/case_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "grader/harness/remote_client.h"

namespace labkit::harness {
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
  EndCaseProcess(0);
}

[[noreturn]] void RunChild(const CaseBody& body, int timeout_ms, int report_fd, int output_fd,
                           const std::string& token) {
  ::setpgid(0, 0);
  int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, STDIN_FILENO);
  ::dup2(output_fd, STDOUT_FILENO);
  ::dup2(output_fd, STDERR_FILENO);
  ::close(devnull);
  ::close(output_fd);
  if (remote::Active()) {
    // A test binary run directly on a student library (the benchmark's
    // floor, a developer's check): split, with no grader and no jail.
    remote::StartStudentProcess(timeout_ms, report_fd);
    RunBody(body, -1, [&token] {
      remote::StopStudent();
      return token;
    });
  }
  RunBody(body, report_fd, [&token] { return token; });
}

CaseOutcome HarnessError(const char* call, int error) {
  CaseOutcome outcome;
  outcome.reason = std::string("harness: ") + call + " failed: " + std::strerror(error);
  return outcome;
}

int FdFromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::atoi(value) : -1;
}

}  // namespace

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
    RunChild(body, options.timeout_ms, report[1], output[1], token);
  }
  ::setpgid(pid, pid);  // also done by the child; whichever runs first wins
  ::close(report[1]);
  ::close(output[1]);
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);
  ::fcntl(output[0], F_SETFL, O_NONBLOCK);
  // Split, the child times a call out itself and reports it: a margin here.
  const int margin_ms = remote::Active() ? 1000 : 0;
  CaseProcess child = Supervise(pid, report[0], output[0], options.timeout_ms + margin_ms);
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
    if (const char* dir = std::getenv("LABKIT_CASE_DIR")) {
      ::mkdir(dir, 0777);
      ::chmod(dir, 0777);  // the student process runs as another user
    }
    std::fflush(nullptr);
    // Split in two: this process runs the test, the student's code runs in
    // a process of its own (remote_client.h).
    if (!remote::Active()) {
      std::fprintf(stderr, "labkit: run mode needs %s\n", kStudentLibraryVariable);
      ::_exit(2);
    }
    remote::StartStudentProcess(options.timeout_ms);
    RunBody(body, -1, [] { return remote::StopStudentAndReadToken(); });
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
