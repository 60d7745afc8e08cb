#include "consumer_pool.h"

#include <malloc.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

#include "handle_reaper.h"
#include "log_sink.h"

namespace eventstreams::kafka {
namespace {

// A catch-up reader leaves up to queued.max.messages.kbytes of freed fetch buffers behind,
// in the heap arenas of librdkafka's threads; glibc keeps them (a server that served 100
// catch-up clients stayed at 1.7 GB). Giving them back after a teardown or a reset, at most
// once a second, runs on the reaper thread, never on an event loop.
void return_free_memory() noexcept {
#ifdef __GLIBC__
  static std::atomic<std::int64_t> last_ms{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_ms.load(std::memory_order_relaxed);
  if (now - last < 1000 || !last_ms.compare_exchange_strong(last, now)) return;
  malloc_trim(0);
#endif
}

}  // namespace

void destroy_consumer(ConsumerHandle c) noexcept {
  if (c.queue != nullptr) rd_kafka_queue_destroy(c.queue);
  if (c.rk != nullptr) rd_kafka_destroy_flags(c.rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  return_free_memory();
}

void drain_queue(rd_kafka_queue_t* queue) noexcept {
  if (queue == nullptr) return;
  std::array<rd_kafka_message_t*, 64> messages{};
  for (;;) {
    const ssize_t n = rd_kafka_consume_batch_queue(queue, 0, messages.data(), messages.size());
    for (ssize_t i = 0; i < n; ++i) rd_kafka_message_destroy(messages[i]);
    if (n < static_cast<ssize_t>(messages.size())) return;
  }
}

ConsumerPool::ConsumerPool(std::size_t max_idle, Timing timing,
                           std::shared_ptr<HandleReaper> reaper, std::shared_ptr<LogSink> log,
                           Metrics metrics) noexcept
    : max_idle_(max_idle),
      idle_ttl_(timing.idle_ttl),
      rest_(timing.rest),
      reaper_(std::move(reaper)),
      log_(std::move(log)),
      metrics_(metrics) {}

std::optional<ConsumerHandle> ConsumerPool::acquire(std::chrono::milliseconds wait) noexcept {
  ConsumerHandle c;
  {
    std::unique_lock lock(mu_);
    if (max_idle_ == 0) return std::nullopt;
    if (idle_.empty() && resetting_ > 0 && !closed_) {
      returned_.wait_for(lock, wait, [&] { return closed_ || !idle_.empty() || resetting_ == 0; });
    }
    if (closed_ || idle_.empty()) return std::nullopt;
    // The most recent of those that rested, else the one closest to it (the oldest).
    const auto rested = std::chrono::steady_clock::now() - rest_;
    auto pick = idle_.begin();
    for (auto it = idle_.end(); it != idle_.begin();) {
      --it;
      if (it->since <= rested) {
        pick = it;
        break;
      }
    }
    c = pick->consumer;
    idle_.erase(pick);
    publish_idle_locked();
  }
  // What arrived while it was idle (an error about a broker, a late fetch of the old
  // assignment, outdated anyway) is not the next reader's.
  drain_queue(c.queue);
  if (metrics_.reused != nullptr) metrics_.reused->add(1);
  return c;
}

void ConsumerPool::count_created() noexcept {
  if (metrics_.created != nullptr) metrics_.created->add(1);
}

void ConsumerPool::release(ConsumerHandle c, bool reusable) noexcept {
  std::shared_ptr<ConsumerPool> self = weak_from_this().lock();
  if (!reusable || max_idle_ == 0 || c.queue == nullptr || !self) {
    destroy_later(c);
    return;
  }
  bool closed = false;
  {
    std::lock_guard lock(mu_);
    closed = closed_;
    if (!closed) ++resetting_;
  }
  if (closed) {  // no reset: the factory is gone
    destroy_later(c);
    return;
  }
  reaper_->submit([self = std::move(self), c, log = log_] {
    // Synchronous: librdkafka's main thread has stopped every partition's fetcher (bumped
    // its fetch version) when this returns.
    const rd_kafka_resp_err_t err = rd_kafka_assign(c.rk, nullptr);
    drain_queue(c.queue);
    const bool fatal = rd_kafka_fatal_error(c.rk, nullptr, 0) != RD_KAFKA_RESP_ERR_NO_ERROR;
    if (self->keep(c, err == RD_KAFKA_RESP_ERR_NO_ERROR && !fatal)) {
      // What the reader had fetched is freed now, as after a teardown.
      return_free_memory();
      return;
    }
    destroy_consumer(c);
  });
}

void ConsumerPool::destroy_later(ConsumerHandle c) noexcept {
  // The job holds the log sink, which librdkafka's log callback uses until the client is gone.
  reaper_->submit([c, log = log_] { destroy_consumer(c); });
}

bool ConsumerPool::keep(ConsumerHandle c, bool reusable) noexcept {
  bool kept = false;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    --resetting_;
    if (reusable && !closed_ && idle_.size() < max_idle_) {
      try {
        idle_.push_back({c, now});
        kept = true;
      } catch (...) {
      }
    }
    publish_idle_locked();
  }
  returned_.notify_all();
  if (kept && idle_ttl_.count() > 0) {
    // Weak: a pending timer does not keep a closed pool alive.
    reaper_->submit_at(now + idle_ttl_, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->expire_idle();
    });
  }
  return kept;
}

void ConsumerPool::expire_idle() noexcept {
  std::vector<ConsumerHandle> expired;
  {
    std::lock_guard lock(mu_);
    const auto cutoff = std::chrono::steady_clock::now() - idle_ttl_;
    // Oldest first: acquire() takes from the back, so the front waited longest.
    std::size_t n = 0;
    while (n < idle_.size() && idle_[n].since <= cutoff) ++n;
    if (n == 0) return;
    try {
      expired.reserve(n);
    } catch (...) {
      return;  // the next timer tries again
    }
    for (std::size_t i = 0; i < n; ++i) expired.push_back(idle_[i].consumer);
    idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(n));
    publish_idle_locked();
  }
  if (metrics_.expired != nullptr) metrics_.expired->add(expired.size());
  for (const ConsumerHandle& c : expired) destroy_consumer(c);
}

void ConsumerPool::close() noexcept {
  std::vector<Idle> idle;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    idle.swap(idle_);
    publish_idle_locked();
  }
  returned_.notify_all();
  for (const Idle& i : idle) destroy_later(i.consumer);
}

std::size_t ConsumerPool::idle() const noexcept {
  std::lock_guard lock(mu_);
  return idle_.size();
}

std::size_t ConsumerPool::resetting() const noexcept {
  std::lock_guard lock(mu_);
  return resetting_;
}

void ConsumerPool::publish_idle_locked() noexcept {
  if (metrics_.idle != nullptr) metrics_.idle->set(static_cast<std::int64_t>(idle_.size()));
}

}  // namespace eventstreams::kafka
