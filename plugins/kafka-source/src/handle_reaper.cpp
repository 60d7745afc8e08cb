#include "handle_reaper.h"

#include <condition_variable>
#include <deque>
#include <mutex>

namespace eventstreams::kafka {

struct HandleReaper::State {
  std::mutex mu;
  std::condition_variable work;  // a job was queued, or stopping
  std::condition_variable idle;  // the queue ran empty with nothing running
  std::deque<std::function<void()>> jobs;
  std::size_t running = 0;
  bool stopping = false;
};

HandleReaper::HandleReaper(std::size_t workers) : state_(std::make_shared<State>()) {
  if (workers == 0) workers = 1;
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    threads_.emplace_back([state = state_] { run_worker(state); });
  }
}

HandleReaper::~HandleReaper() {
  if (!shut_down_) shutdown(kDefaultBound);
}

void HandleReaper::submit(std::function<void()> job) noexcept {
  try {
    std::unique_lock lock(state_->mu);
    if (!state_->stopping) {
      state_->jobs.push_back(std::move(job));
      lock.unlock();
      state_->work.notify_one();
      return;
    }
  } catch (...) {
    // Could not queue it (out of memory): run it here rather than leak it.
  }
  try {
    if (job) job();
  } catch (...) {
  }
}

bool HandleReaper::shutdown(std::chrono::milliseconds bound) noexcept {
  if (shut_down_) return true;
  shut_down_ = true;
  bool drained = false;
  {
    std::unique_lock lock(state_->mu);
    state_->stopping = true;
    state_->work.notify_all();
    drained = state_->idle.wait_for(lock, bound,
                                    [&] { return state_->jobs.empty() && state_->running == 0; });
  }
  for (auto& t : threads_) {
    if (drained) {
      t.join();
    } else {
      t.detach();
    }
  }
  threads_.clear();
  return drained;
}

std::size_t HandleReaper::pending() const noexcept {
  std::lock_guard lock(state_->mu);
  return state_->jobs.size() + state_->running;
}

void HandleReaper::run_worker(const std::shared_ptr<State>& state) {
  std::unique_lock lock(state->mu);
  for (;;) {
    state->work.wait(lock, [&] { return !state->jobs.empty() || state->stopping; });
    if (state->jobs.empty()) return;  // stopping, nothing left
    std::function<void()> job = std::move(state->jobs.front());
    state->jobs.pop_front();
    ++state->running;
    lock.unlock();
    try {
      job();
    } catch (...) {
    }
    job = nullptr;  // release what the job captured before reporting idle
    lock.lock();
    --state->running;
    if (state->jobs.empty() && state->running == 0) state->idle.notify_all();
  }
}

}  // namespace eventstreams::kafka
