// One thread multiplexing many sockets and source readers with epoll.
//
// Everything a loop owns (connections, hubs) is touched only on its thread. Other threads
// hand work over with post(). Objects that may still appear in the current epoll batch are
// never deleted mid-batch: they are retired and destroyed at the end of the iteration.
//
// Errors never end the loop: epoll_ctl failures (EMFILE, ENOSPC, ENOMEM, a bad fd) are
// returned to the caller, which closes that client, and an exception escaping a task, an
// I/O callback or a timer is caught. Both are counted (eventstreams_event_loop_errors_total)
// and logged, at most once a second per loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "eventstreams/host_services.h"

namespace eventstreams::services {
class JsonLogger;
class MetricsRegistry;
}  // namespace eventstreams::services

namespace eventstreams::streaming {

// Makes a socket from the HTTP server fit for a loop: non-blocking (required; a blocking
// socket would stall every client of the loop) and without Nagle's delay (best effort: a
// socket that is not TCP, e.g. a socketpair in tests, keeps its default). Any thread.
std::error_code prepare_stream_socket(int fd);

class IoWatcher {
 public:
  virtual ~IoWatcher() = default;
  virtual void on_io(std::uint32_t epoll_events) = 0;
  // Set when the watcher's fd left the loop; later events of the same batch are ignored.
  bool io_closed = false;
};

class EventLoop {
 public:
  // Errors are counted in `metrics` and logged to `logger` when given (either may be null).
  explicit EventLoop(services::MetricsRegistry* metrics = nullptr,
                     services::JsonLogger* logger = nullptr);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void start();
  // Runs `on_stop` on the loop thread, then ends the thread and joins it.
  void stop(std::function<void()> on_stop);

  // From any thread: runs `task` on the loop thread soon. Tasks run in order, each iteration
  // as long as the rest of the previous one took (at least 2 ms), so a burst of them does
  // not hold back the I/O, nor the rest of the work the tasks.
  void post(std::function<void()> task);
  // Loop thread only: runs `task` after the current batch of I/O (used to continue work in
  // slices so one busy reader does not starve the others).
  void defer(std::function<void()> task);
  // Loop thread only: destroys `object` at the end of the current iteration.
  void retire(std::shared_ptr<void> object);

  // Loop thread only. Each returns the epoll_ctl error (empty on success), already counted
  // and logged; on a failed watch or rewatch the fd gets no (or not the new) events, so the
  // caller closes that client. unwatch of an fd that is not watched (ENOENT: its watch
  // failed) is returned but not counted again.
  std::error_code watch(int fd, std::uint32_t events, IoWatcher* watcher);
  std::error_code rewatch(int fd, std::uint32_t events, IoWatcher* watcher);
  std::error_code unwatch(int fd);

  // Loop thread only: calls `tick(now_ms)` about every `interval_ms`.
  void every(std::int64_t interval_ms, std::function<void(std::int64_t)> tick);

  std::int64_t now_ms() const { return now_ms_; }
  bool in_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }
  // Errors counted so far (as in the metric), from any thread.
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  void run();
  // Runs posted work from `start` (when the rest of this iteration's work ended).
  void run_posted(std::chrono::steady_clock::time_point start);
  static std::int64_t clock_ms();
  // Runs one task, callback or tick; an exception is counted and the loop goes on.
  template <typename F>
  void guarded(std::string_view what, F&& f) noexcept;
  // Counts an error of `op` (a metric label) and logs it, rate limited.
  void report(std::string_view op, std::string_view detail) noexcept;

  struct Timer {
    std::int64_t interval_ms;
    std::int64_t next_ms;
    std::function<void(std::int64_t)> tick;
  };

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::vector<std::function<void()>> posted_;
  std::deque<std::function<void()>> pending_;  // posted, taken by the loop, not run yet
  std::chrono::nanoseconds other_work_{0};     // last iteration's time on all but posted work
  std::vector<std::function<void()>> deferred_;
  std::vector<std::shared_ptr<void>> retired_;
  std::vector<Timer> timers_;
  std::int64_t now_ms_ = 0;

  services::MetricsRegistry* metrics_;
  services::JsonLogger* logger_;
  std::atomic<std::uint64_t> errors_{0};
  std::int64_t last_log_ms_ = 0;  // loop thread (report() is called only there)
  std::uint64_t unlogged_ = 0;    // errors since the last log line
};

}  // namespace eventstreams::streaming
