// Runs slow teardowns (rd_kafka_destroy) off the caller's thread, with a bounded shutdown.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace eventstreams::kafka {

class HandleReaper {
 public:
  // `workers` threads run jobs in parallel, so one slow teardown does not hold up the rest.
  explicit HandleReaper(std::size_t workers = 2);
  // Calls shutdown(kDefaultBound) unless shutdown() ran.
  ~HandleReaper();
  HandleReaper(const HandleReaper&) = delete;
  HandleReaper& operator=(const HandleReaper&) = delete;

  static constexpr std::chrono::milliseconds kDefaultBound{3000};

  // Queues `job` and returns at once. After shutdown() (or if queueing fails) the job runs on
  // the caller's thread instead.
  void submit(std::function<void()> job) noexcept;

  // Runs `job` on a worker once `due` has come (a timer for slow work: expiring idle
  // consumers). Jobs not yet due at shutdown() are dropped, not run; so is a job submitted
  // after it, or one that cannot be queued.
  void submit_at(std::chrono::steady_clock::time_point due, std::function<void()> job) noexcept;

  // Stops taking jobs and waits up to `bound` for the queued ones. Returns true when all
  // finished (threads joined); false when some still run: their threads are detached and
  // finish on their own (they keep what they use alive), so the caller may go on.
  bool shutdown(std::chrono::milliseconds bound) noexcept;

  // Jobs queued or running (not those waiting for their time).
  std::size_t pending() const noexcept;
  // Jobs waiting for their time.
  std::size_t scheduled() const noexcept;

 private:
  struct State;
  static void run_worker(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
  std::vector<std::thread> threads_;
  bool shut_down_ = false;
};

}  // namespace eventstreams::kafka
