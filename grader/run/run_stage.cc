#include "grader/run/run_stage.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "grader/process/spawn.h"
#include "grader/run/case_session.h"
#include "grader/run/job_queue.h"

namespace labkit::run {
namespace {

// A trusted binary only printing its table; far more than it ever takes.
constexpr int kListTimeoutMs = 120'000;

}  // namespace

std::vector<CaseInfo> ListCases(const std::string& tests) {
  process::SpawnOptions options;
  options.env = {std::string(harness::kGradeModeVariable) + "=list",
                 std::string(harness::kReportFdVariable) + "=3"};
  options.out = process::Output::kDiscard;
  options.capture_fd3 = true;
  options.timeout_ms = kListTimeoutMs;
  process::SpawnResult listed = process::Spawn({tests}, options);
  if (!listed.started) throw std::runtime_error(listed.error);
  if (listed.timed_out) {
    throw std::runtime_error("the test binary " + tests + " did not list its cases in time");
  }
  const std::string& text = listed.fd3;
  std::vector<CaseInfo> cases;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string kind, name, points, timeout;
    if (std::getline(fields, kind, '\x1f') && kind == "L" && std::getline(fields, name, '\x1f') &&
        std::getline(fields, points, '\x1f') && std::getline(fields, timeout, '\x1f')) {
      cases.push_back({name, std::stoi(points), std::stoi(timeout)});
    }
  }
  if (cases.empty()) {
    throw std::runtime_error("the test binary " + tests + " listed no cases");
  }
  return cases;
}

std::vector<harness::CaseOutcome> RunCases(const Isolation& isolation, const std::string& tests,
                                           const std::string& library,
                                           const std::vector<CaseInfo>& cases, int workers) {
  std::vector<CaseToRun> jobs;
  for (const CaseInfo& info : cases) jobs.push_back({tests, library, info.name, info.timeout_ms, 0});
  std::vector<harness::CaseOutcome> outcomes;
  for (CaseRun& run : RunMany(isolation, std::move(jobs), workers)) {
    outcomes.push_back(std::move(run.outcome));
  }
  return outcomes;
}

std::vector<CaseRun> RunMany(const Isolation& isolation, std::vector<CaseToRun> jobs, int workers) {
  if (isolation.users) workers = std::min<int>(workers, isolation.users->users().size());
  std::vector<CaseRun> runs(jobs.size());
  std::vector<std::string> labs;
  for (const CaseToRun& job : jobs) labs.push_back(job.binary + "\n" + job.library);
  JobQueue queue(labs);
  auto work = [&](int slot) {
    std::optional<CaseSession> session;
    if (CaseSession::Usable(isolation)) session.emplace(isolation);
    while (std::optional<size_t> next = queue.Next(slot)) {
      const size_t i = *next;
      jobs[i].slot = slot;
      runs[i] = session ? session->Run(jobs[i]) : RunJailedCase(isolation, jobs[i]);
      if (!runs[i].killed_from_outside) continue;
      // Once more, in a jail of its own.
      const std::string first = runs[i].outcome.reason;
      runs[i] = RunJailedCase(isolation, jobs[i]);
      if (runs[i].killed_from_outside) {
        runs[i].outcome.reason = "the grading machine stopped this case twice, not the submission (" +
                                 first + "); grade it again";
      }
    }
  };
  std::vector<std::thread> threads;
  for (int slot = 0; slot < std::max(1, workers); ++slot) threads.emplace_back(work, slot);
  for (std::thread& thread : threads) thread.join();
  return runs;
}

}  // namespace labkit::run
