#include "handle_reaper.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace eventstreams::kafka {

struct HandleReaper::State {
  std::mutex mu;
  std::condition_variable work;  // a job was queued, or stopping
  std::condition_variable idle;  // the queue ran empty with nothing running
  std::deque<std::function<void()>> jobs;
  // submit_at()'s jobs, earliest due first.
  struct Timed {
    std::chrono::steady_clock::time_point due;
    std::function<void()> job;
  };
  std::deque<Timed> timed;
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

void HandleReaper::submit_at(std::chrono::steady_clock::time_point due,
                             std::function<void()> job) noexcept {
  try {
    std::unique_lock lock(state_->mu);
    if (state_->stopping) return;
    auto& timed = state_->timed;
    const auto at = std::upper_bound(timed.begin(), timed.end(), due,
                                     [](auto d, const State::Timed& t) { return d < t.due; });
    timed.insert(at, State::Timed{due, std::move(job)});
    lock.unlock();
    // Every worker: the one that wakes re-reads the earliest time.
    state_->work.notify_all();
  } catch (...) {
    // Dropped, as documented: a timer is an optimisation, never a duty.
  }
}

bool HandleReaper::shutdown(std::chrono::milliseconds bound) noexcept {
  if (shut_down_) return true;
  shut_down_ = true;
  bool drained = false;
  std::deque<State::Timed> not_due;
  {
    std::unique_lock lock(state_->mu);
    state_->stopping = true;
    state_->work.notify_all();
    drained = state_->idle.wait_for(lock, bound,
                                    [&] { return state_->jobs.empty() && state_->running == 0; });
    not_due.swap(state_->timed);
  }
  not_due.clear();  // what they captured goes here, outside the lock
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

std::size_t HandleReaper::scheduled() const noexcept {
  std::lock_guard lock(state_->mu);
  return state_->timed.size();
}

void HandleReaper::run_worker(const std::shared_ptr<State>& state) {
  std::unique_lock lock(state->mu);
  for (;;) {
    if (!state->stopping) {
      const auto now = std::chrono::steady_clock::now();
      while (!state->timed.empty() && state->timed.front().due <= now) {
        state->jobs.push_back(std::move(state->timed.front().job));
        state->timed.pop_front();
      }
    }
    if (state->jobs.empty()) {
      if (state->stopping) return;  // nothing left
      if (state->timed.empty()) {
        state->work.wait(lock);
      } else {
        // A copy: wait_until reads its deadline while the lock is released, and another
        // worker may pop that job meanwhile.
        const auto due = state->timed.front().due;
        state->work.wait_until(lock, due);
      }
      continue;
    }
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
