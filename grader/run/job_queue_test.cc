// How JobQueue hands out a grade's cases: each job once, every worker busy
// while jobs are left, and few lab changes per worker (each change starts
// a jail session).
#include "grader/run/job_queue.h"

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace labkit::run {
namespace {

// `sizes[g]` jobs of lab "lab<g>", lab after lab, as a grade lists them.
std::vector<std::string> Labs(const std::vector<int>& sizes) {
  std::vector<std::string> groups;
  for (size_t g = 0; g < sizes.size(); ++g) {
    groups.insert(groups.end(), sizes[g], "lab" + std::to_string(g));
  }
  return groups;
}

// Workers asking in turn until the queue is empty; returns each worker's
// jobs in the order it got them.
std::vector<std::vector<size_t>> TakeInTurn(JobQueue& queue, int workers) {
  std::vector<std::vector<size_t>> taken(workers);
  for (bool any = true; any;) {
    any = false;
    for (int w = 0; w < workers; ++w) {
      if (std::optional<size_t> job = queue.Next(w)) {
        taken[w].push_back(*job);
        any = true;
      }
    }
  }
  return taken;
}

// Sessions started: one each time a worker's job is of another lab than
// its last one.
int SessionsStarted(const std::vector<std::vector<size_t>>& taken,
                    const std::vector<std::string>& groups) {
  int sessions = 0;
  for (const std::vector<size_t>& jobs : taken) {
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (i == 0 || groups[jobs[i]] != groups[jobs[i - 1]]) ++sessions;
    }
  }
  return sessions;
}

TEST(JobQueue, OneWorkerGetsEveryJobInOrder) {
  const std::vector<std::string> groups = Labs({3, 1, 2});
  JobQueue queue(groups);
  EXPECT_EQ(TakeInTurn(queue, 1), (std::vector<std::vector<size_t>>{{0, 1, 2, 3, 4, 5}}));
}

TEST(JobQueue, AWorkerWithNoLabLeftHelpsFromTheBack) {
  JobQueue queue(Labs({4}));
  EXPECT_EQ(queue.Next(0), 0u);
  EXPECT_EQ(queue.Next(1), 3u);
  EXPECT_EQ(queue.Next(0), 1u);
  EXPECT_EQ(queue.Next(1), 2u);
  EXPECT_EQ(queue.Next(0), std::nullopt);
  EXPECT_EQ(queue.Next(1), std::nullopt);
}

TEST(JobQueue, AGradeOfEightLabsStartsAboutOneSessionPerLab) {
  // The kit's labs have 20 to 43 cases; two workers taking turns.
  const std::vector<std::string> groups = Labs({20, 32, 29, 26, 28, 43, 34, 31});
  JobQueue queue(groups);
  const std::vector<std::vector<size_t>> taken = TakeInTurn(queue, 2);
  std::vector<size_t> all = taken[0];
  all.insert(all.end(), taken[1].begin(), taken[1].end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), groups.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i) << "each job exactly once";
  EXPECT_LE(std::max(taken[0].size(), taken[1].size()) - std::min(taken[0].size(), taken[1].size()),
            1u)
      << "neither worker idles while jobs are left";
  // A shared queue in order would start 2 x 8 = 16 sessions.
  EXPECT_LE(SessionsStarted(taken, groups), 8 + 2 - 1);
}

TEST(JobQueue, WorkersOnThreadsGetEachJobOnce) {
  const std::vector<std::string> groups = Labs({100, 1, 250, 7, 300, 42, 300});
  JobQueue queue(groups);
  std::vector<std::vector<size_t>> taken(4);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      while (std::optional<size_t> job = queue.Next(w)) taken[w].push_back(*job);
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::multiset<size_t> all;
  for (const std::vector<size_t>& jobs : taken) all.insert(jobs.begin(), jobs.end());
  EXPECT_EQ(all.size(), groups.size());
  EXPECT_EQ(std::set<size_t>(all.begin(), all.end()).size(), groups.size());
}

TEST(JobQueue, NoJobsMeansNothingToTake) {
  JobQueue queue({});
  EXPECT_EQ(queue.Next(0), std::nullopt);
}

}  // namespace
}  // namespace labkit::run
