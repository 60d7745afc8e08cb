#include "streaming/event_loop.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>

#include "services/json_logger.h"
#include "services/json_text.h"
#include "services/metrics_registry.h"

namespace eventstreams::streaming {
namespace {

std::error_code last_error() {
  return {errno, std::generic_category()};
}

constexpr std::string_view kErrorsMetric = "eventstreams_event_loop_errors_total";
constexpr std::string_view kErrorsHelp =
    "Errors on an event loop (epoll_ctl failures, exceptions in tasks), by operation; the "
    "client concerned is closed and the loop goes on";

}  // namespace

std::error_code prepare_stream_socket(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return last_error();
  if ((flags & O_NONBLOCK) == 0 && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return last_error();
  }
  int one = 1;
  if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 && errno != EOPNOTSUPP &&
      errno != ENOPROTOOPT) {
    return last_error();
  }
  return {};
}

EventLoop::EventLoop(services::MetricsRegistry* metrics, services::JsonLogger* logger)
    : metrics_(metrics), logger_(logger) {
  // Failing here is failing at start-up (or when the engine starts): that may throw.
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(last_error(), "epoll_create1");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    const auto ec = last_error();
    close(epoll_fd_);
    throw std::system_error(ec, "eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // null marks the wake-up fd
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    const auto ec = last_error();
    close(wake_fd_);
    close(epoll_fd_);
    throw std::system_error(ec, "epoll_ctl add (wake-up fd)");
  }
  if (metrics_ != nullptr) {
    // Registered up front so that the metric reads 0, not absent, until the first error.
    for (const char* op : {"watch", "rewatch", "unwatch", "wait", "task"}) {
      const Label labels[] = {{"op", op}};
      metrics_->counter(kErrorsMetric, kErrorsHelp, labels);
    }
  }
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
    running_ = false;  // first: an on_stop that throws must not leave join() waiting forever
    if (on_stop) on_stop();
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

std::error_code EventLoop::watch(int fd, std::uint32_t events, IoWatcher* watcher) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0) return {};
  const auto ec = last_error();
  report("watch", ec.message());
  return ec;
}

std::error_code EventLoop::rewatch(int fd, std::uint32_t events, IoWatcher* watcher) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = watcher;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0) return {};
  const auto ec = last_error();
  report("rewatch", ec.message());
  return ec;
}

std::error_code EventLoop::unwatch(int fd) {
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr) == 0) return {};
  const auto ec = last_error();
  if (ec != std::errc::no_such_file_or_directory) report("unwatch", ec.message());
  return ec;
}

void EventLoop::report(std::string_view op, std::string_view detail) noexcept {
  errors_.fetch_add(1, std::memory_order_relaxed);
  try {
    if (metrics_ != nullptr) {
      const Label labels[] = {{"op", op}};
      metrics_->counter(kErrorsMetric, kErrorsHelp, labels)->add(1);
    }
    if (logger_ == nullptr) return;
    // An fd shortage fails every client at once: one line a second says it, with the count.
    ++unlogged_;
    const std::int64_t now = clock_ms();
    if (last_log_ms_ != 0 && now - last_log_ms_ < 1000) return;
    std::string fields = "{\"op\":";
    services::append_json_string(fields, op);
    fields += ",\"error\":";
    services::append_json_string(fields, detail);
    fields += ",\"errors_since_last_log\":" + std::to_string(unlogged_) + "}";
    logger_->log(LogLevel::kError, "event loop error", fields);
    last_log_ms_ = now;
    unlogged_ = 0;
  } catch (...) {
    // Out of memory while reporting: the count above is what is left.
  }
}

template <typename F>
void EventLoop::guarded(std::string_view what, F&& f) noexcept {
  try {
    f();
  } catch (const std::exception& e) {
    report("task", std::string(what).append(": ").append(e.what()));
  } catch (...) {
    report("task", std::string(what).append(": unknown exception"));
  }
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
    guarded("posted task", task);
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
    if (n < 0 && errno != EINTR) report("wait", last_error().message());
    now_ms_ = clock_ms();
    const auto io_start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto* watcher = static_cast<IoWatcher*>(events[i].data.ptr);
      if (watcher == nullptr) {
        std::uint64_t drained;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &drained, sizeof drained);
        continue;
      }
      if (!watcher->io_closed) guarded("I/O callback", [&] { watcher->on_io(events[i].events); });
    }
    const auto posted_start = std::chrono::steady_clock::now();
    run_posted(posted_start);
    const auto posted_end = std::chrono::steady_clock::now();
    if (!deferred_.empty()) {
      std::vector<std::function<void()>> tasks;
      tasks.swap(deferred_);
      for (auto& task : tasks) guarded("deferred task", task);
    }
    for (auto& t : timers_) {
      if (now_ms_ >= t.next_ms) {
        t.next_ms = now_ms_ + t.interval_ms;
        guarded("timer", [&] { t.tick(now_ms_); });
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
