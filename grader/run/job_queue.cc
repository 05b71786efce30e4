#include "grader/run/job_queue.h"

namespace labkit::run {

JobQueue::JobQueue(const std::vector<std::string>& groups) {
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i == 0 || groups[i] != groups[i - 1]) blocks_.push_back({i, i});
    blocks_.back().back = i + 1;
  }
}

std::optional<size_t> JobQueue::Next(int worker) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (worker < 0) return std::nullopt;
  if (static_cast<size_t>(worker) >= places_.size()) places_.resize(worker + 1);
  Place& place = places_[worker];
  auto take = [&]() -> size_t {
    Block& block = blocks_[place.block];
    return place.from_back ? --block.back : block.front++;
  };
  if (place.block >= 0 && blocks_[place.block].front < blocks_[place.block].back) return take();
  if (unstarted_ < blocks_.size()) {
    place = {static_cast<int>(unstarted_++), false};
    return take();
  }
  int fullest = -1;
  size_t most = 0;
  for (size_t b = 0; b < blocks_.size(); ++b) {
    const size_t left = blocks_[b].back - blocks_[b].front;
    if (left > most) {
      most = left;
      fullest = static_cast<int>(b);
    }
  }
  if (fullest < 0) return std::nullopt;
  place = {fullest, true};
  return take();
}

}  // namespace labkit::run
