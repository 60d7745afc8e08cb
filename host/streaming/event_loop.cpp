#include "streaming/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <system_error>

namespace eventstreams::streaming {

EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "epoll");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // null marks the wake-up fd
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  now_ms_ = clock_ms();
}

EventLoop::~EventLoop() {
  if (thread_.joinable()) stop({});
  close(wake_fd_);
  close(epoll_fd_);
}

std::int64_t EventLoop::clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void EventLoop::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void EventLoop::stop(std::function<void()> on_stop) {
  if (!thread_.joinable()) return;
  post([this, on_stop = std::move(on_stop)] {
    if (on_stop) on_stop();
    running_ = false;
  });
  thread_.join();
}

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    posted_.push_back(std::move(task));
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void EventLoop::defer(std::function<void()> task) {
  deferred_.push_back(std::move(task));
}

void EventLoop::retire(std::shared_ptr<void> object) {
  retired_.push_back(std::move(object));
}

void EventLoop::watch(int fd, std::uint32_t events, IoWatcher* watcher) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl add");
  }
}

void EventLoop::rewatch(int fd, std::uint32_t events, IoWatcher* watcher) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventLoop::unwatch(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
}

void EventLoop::every(std::int64_t interval_ms, std::function<void(std::int64_t)> tick) {
  timers_.push_back({interval_ms, clock_ms() + interval_ms, std::move(tick)});
}

void EventLoop::run_posted(std::chrono::steady_clock::time_point start) {
  {
    std::lock_guard lock(mutex_);
    for (auto& task : posted_) pending_.push_back(std::move(task));
    posted_.clear();
  }
  // A fair share per iteration: a burst of posted work (attaches, each of which may replay
  // what a resuming client missed) must not hold back the I/O of the clients already here,
  // nor may that work (catch-up readers pumping) starve the attaches. So posted work gets
  // as much time as the rest of the last iteration took, at least 2 ms; what is left runs
  // after the next poll, in order. Once stopping, everything runs.
  constexpr std::chrono::nanoseconds kMinBudget = std::chrono::milliseconds(2);
  const auto deadline = start + std::max(other_work_, kMinBudget);
  while (!pending_.empty()) {
    auto task = std::move(pending_.front());
    pending_.pop_front();
    task();
    if (running_ && std::chrono::steady_clock::now() >= deadline) break;
  }
}

void EventLoop::run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  while (running_) {
    int timeout = 1000;
    if (!deferred_.empty() || !pending_.empty()) {
      timeout = 0;
    } else {
      for (const auto& t : timers_) {
        timeout = static_cast<int>(std::clamp<std::int64_t>(t.next_ms - now_ms_, 0, timeout));
      }
    }
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    now_ms_ = clock_ms();
    const auto io_start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto* watcher = static_cast<IoWatcher*>(events[i].data.ptr);
      if (watcher == nullptr) {
        std::uint64_t drained;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &drained, sizeof drained);
        continue;
      }
      if (!watcher->io_closed) watcher->on_io(events[i].events);
    }
    const auto posted_start = std::chrono::steady_clock::now();
    run_posted(posted_start);
    const auto posted_end = std::chrono::steady_clock::now();
    if (!deferred_.empty()) {
      std::vector<std::function<void()>> tasks;
      tasks.swap(deferred_);
      for (auto& task : tasks) task();
    }
    for (auto& t : timers_) {
      if (now_ms_ >= t.next_ms) {
        t.next_ms = now_ms_ + t.interval_ms;
        t.tick(now_ms_);
      }
    }
    other_work_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
        (posted_start - io_start) + (std::chrono::steady_clock::now() - posted_end));
    // Destroying one retired object may retire others: repeat until none is left.
    while (!retired_.empty()) {
      std::vector<std::shared_ptr<void>> batch;
      batch.swap(retired_);
    }
  }
}

}  // namespace eventstreams::streaming
