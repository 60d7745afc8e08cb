// One thread multiplexing many sockets and source readers with epoll.
//
// Everything a loop owns (connections, hubs) is touched only on its thread. Other threads
// hand work over with post(). Objects that may still appear in the current epoll batch are
// never deleted mid-batch: they are retired and destroyed at the end of the iteration.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace eventstreams::streaming {

class IoWatcher {
 public:
  virtual ~IoWatcher() = default;
  virtual void on_io(std::uint32_t epoll_events) = 0;
  // Set when the watcher's fd left the loop; later events of the same batch are ignored.
  bool io_closed = false;
};

class EventLoop {
 public:
  EventLoop();
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

  // Loop thread only.
  void watch(int fd, std::uint32_t events, IoWatcher* watcher);
  void rewatch(int fd, std::uint32_t events, IoWatcher* watcher);
  void unwatch(int fd);

  // Loop thread only: calls `tick(now_ms)` about every `interval_ms`.
  void every(std::int64_t interval_ms, std::function<void(std::int64_t)> tick);

  std::int64_t now_ms() const { return now_ms_; }
  bool in_loop_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void run();
  // Runs posted work from `start` (when the rest of this iteration's work ended).
  void run_posted(std::chrono::steady_clock::time_point start);
  static std::int64_t clock_ms();

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
};

}  // namespace eventstreams::streaming
