// Hands a run's cases to its workers so that each worker stays on one lab
// for as long as it can. A worker's cases of one lab share a jail session
// (case_session.h); starting one costs a jail, a launcher and a test binary,
// so a plain shared queue, where every worker moves through every lab,
// starts about workers x labs sessions. Here a worker takes a lab no one
// has started, runs its cases from the front, and only when none is left
// helps with the lab that has most cases left, from its back: about
// labs + workers - 1 sessions, with no worker idle while cases are left.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace labkit::run {

class JobQueue {
 public:
  // `groups[i]` names job i's lab (its binary and library); the jobs of a
  // lab are expected next to each other, as a grade lists them.
  explicit JobQueue(const std::vector<std::string>& groups);

  // The next job for `worker` (0, 1, ...), or nullopt when none is left.
  // Safe to call from the workers' threads at once.
  std::optional<size_t> Next(int worker);

 private:
  struct Block {
    size_t front, back;  // the jobs not handed out yet: [front, back)
  };
  struct Place {
    int block = -1;
    bool from_back = false;  // helping another worker's lab
  };

  std::mutex mutex_;
  std::vector<Block> blocks_;
  size_t unstarted_ = 0;  // blocks from here on have no worker yet
  std::vector<Place> places_;
};

}  // namespace labkit::run
