// The kit testing its own tests. Runs one lab's graded test binary, built
// against one implementation, and checks the outcome that implementation
// deserves:
//   --expect=full   the reference: every case passes;
//   --expect=zero   the untouched skeleton: every case fails;
//   --expect=loss   a mutant (one classic bug): at least one case fails.
// Every case must also be worth points, or it could never cost any.
// With --library=PATH, TEST_BINARY is a lab's graded test binary and PATH a
// student library: each case then runs split in two processes, as under the
// grader (grader/harness/remote_client.h), without its jail.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "grader/files/whole_file.h"
#include "grader/judge/gtest_results.h"

namespace {

int RunQuietly(const std::string& binary, const std::string& json, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(out, 2);
    std::string flag = "--gtest_output=json:" + json;
    ::execl(binary.c_str(), binary.c_str(), flag.c_str(), nullptr);
    std::perror("exec");
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string flag = argc >= 3 ? argv[1] : "";
  const std::string library = argc == 4 && std::strncmp(argv[2], "--library=", 10) == 0
                                  ? argv[2] + 10 : "";
  if ((flag != "--expect=full" && flag != "--expect=zero" && flag != "--expect=loss") ||
      (argc == 4 && library.empty()) || argc > 4) {
    std::cerr << "usage: expect_outcome --expect=full|zero|loss [--library=PATH] TEST_BINARY\n";
    return 2;
  }
  const std::string expect = flag.substr(std::strlen("--expect="));
  const std::string binary = argv[argc - 1];
  if (!library.empty()) {
    char absolute[PATH_MAX];
    if (::realpath(library.c_str(), absolute) == nullptr) {
      std::cerr << "no student library at " << library << "\n";
      return 2;
    }
    ::setenv("LABKIT_STUDENT_LIBRARY", absolute, 1);
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = tmp ? tmp : "/tmp";
  const std::string json = dir + "/outcome.json", log = dir + "/outcome.log";

  RunQuietly(binary, json, log);
  std::vector<labkit::judge::CaseResult> cases;
  try {
    cases = labkit::judge::ReadGtestJson(json);
  } catch (const std::exception& e) {
    std::cout << e.what() << "\n" << labkit::files::ReadWholeFileOrEmpty(log);
    return 1;
  }

  int total = 0, earned = 0, passed = 0;
  bool ok = !cases.empty();
  for (const auto& c : cases) {
    total += c.points;
    if (c.passed) earned += c.points, ++passed;
    if (c.points <= 0) {
      std::cout << "case " << c.name << " is worth no points: run it with harness::RunCase\n";
      ok = false;
    }
    if (expect == "zero" && c.passed) {
      std::cout << "case " << c.name << " passes on the untouched skeleton: it earns points for no work\n";
      ok = false;
    }
  }
  if (expect == "full") ok = ok && passed == static_cast<int>(cases.size());
  if (expect == "loss") ok = ok && passed < static_cast<int>(cases.size());

  std::cout << binary << ": " << passed << " of " << cases.size() << " cases passed, "
            << earned << " of " << total << " points (expected: " << expect << ")\n";
  for (const auto& c : cases) {
    if (!c.passed) std::cout << "  failed " << c.name << " (" << c.points << "): " << c.reason << "\n";
  }
  if (!ok) {
    if (expect == "loss") std::cout << "this mutant loses no points: the tests miss its bug\n";
    std::cout << "---- output of the test binary ----\n" << labkit::files::ReadWholeFileOrEmpty(log);
  }
  return ok ? 0 : 1;
}
