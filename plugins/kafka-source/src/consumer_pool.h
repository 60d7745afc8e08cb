// Idle reader consumers kept for the next reader. librdkafka 2.0.2 leaves about 1.6 KB behind
// on every consumer it creates and destroys (and starts and stops its threads each time), so
// readers that come and go (live hubs whose audience touches zero, catch-up clients) reuse a
// few consumers instead: a reader returns its consumer, the reaper thread unassigns it and
// drops what its queue still holds, then keeps it (up to `max_idle`) or destroys it. A consumer
// that waits unused for `idle_ttl` is destroyed then: librdkafka keeps its threads and broker
// connections up (its group handle keeps finding the coordinator) for as long as it lives, so
// a pool that only ever grew would hold them for good after one burst of readers. The pool
// hands out the most recently returned consumer first, so under a steady load the ones it
// does not need are the ones that expire; but one returned less than `rest` ago comes last:
// its previous reader's last fetch may still be held by the broker (a reader at the head
// always has one waiting, up to fetch.wait.max.ms), and the next fetch, the new reader's
// first events, waits for it.
//
// A consumer is pooled only after rd_kafka_assign(NULL) returned: every partition's fetch
// version is bumped by then, so whatever the old assignment fetched is outdated and never
// served by rd_kafka_consume_batch_queue, whichever partitions the next reader assigns.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "eventstreams/host_services.h"

namespace eventstreams::kafka {

class HandleReaper;
class LogSink;

// A reader consumer and its consumer queue (rd_kafka_queue_get_consumer), owned together.
struct ConsumerHandle {
  rd_kafka_t* rk = nullptr;
  rd_kafka_queue_t* queue = nullptr;  // may be null when the consumer never got one
};

// Destroys `c` on the calling thread: no consumer close (no group to leave, nothing to commit),
// so the time is bounded by librdkafka's thread shutdown. For the reaper's threads.
void destroy_consumer(ConsumerHandle c) noexcept;

// Serves and discards what `queue` holds, without blocking.
void drain_queue(rd_kafka_queue_t* queue) noexcept;

class ConsumerPool : public std::enable_shared_from_this<ConsumerPool> {
 public:
  // Metrics are optional (null: not counted).
  struct Metrics {
    Counter* created = nullptr;  // consumers created for readers
    Counter* reused = nullptr;   // readers that got an idle consumer
    Gauge* idle = nullptr;       // consumers in the pool
    Counter* expired = nullptr;  // idle consumers destroyed after idle_ttl unused
  };

  struct Timing {
    std::chrono::milliseconds idle_ttl{0};  // 0: idle consumers are kept until close()
    std::chrono::milliseconds rest{0};      // the readers' fetch.wait.max.ms
  };
  // `max_idle` 0: no pooling, every returned consumer is destroyed.
  ConsumerPool(std::size_t max_idle, Timing timing, std::shared_ptr<HandleReaper> reaper,
               std::shared_ptr<LogSink> log, Metrics metrics) noexcept;
  ConsumerPool(const ConsumerPool&) = delete;
  ConsumerPool& operator=(const ConsumerPool&) = delete;

  // An idle consumer (nothing assigned, its queue drained just now), or none. When none is
  // idle but one is being reset on the reaper, waits for it up to `wait` (a new consumer costs
  // more: threads, connections, and the leak this pool is for) rather than creating one that
  // would be destroyed again once the pool is full. Counts a reuse.
  std::optional<ConsumerHandle> acquire(std::chrono::milliseconds wait = kAcquireWait) noexcept;

  static constexpr std::chrono::milliseconds kAcquireWait{100};
  // A reader created a consumer of its own.
  void count_created() noexcept;

  // Takes back a consumer whose reader is done with it (its queue's fd wake-up disabled).
  // Returns at once: on the reaper, the consumer is unassigned and drained, then kept if
  // `reusable`, the pool is open and has room, else destroyed.
  void release(ConsumerHandle c, bool reusable) noexcept;

  // Destroys the idle consumers (on the reaper) and makes every later release destroy its
  // consumer. Idempotent.
  void close() noexcept;

  std::size_t idle() const noexcept;
  // Released consumers not yet kept or destroyed.
  std::size_t resetting() const noexcept;
  std::size_t max_idle() const noexcept { return max_idle_; }

 private:
  // On the reaper, after a reset: true when `c` joined the pool (ends the reset either way).
  bool keep(ConsumerHandle c, bool reusable) noexcept;
  // On the reaper, idle_ttl after a consumer joined the pool: destroys those unused since.
  void expire_idle() noexcept;
  void destroy_later(ConsumerHandle c) noexcept;
  void publish_idle_locked() noexcept;

  const std::size_t max_idle_;
  const std::chrono::milliseconds idle_ttl_;
  const std::chrono::milliseconds rest_;
  std::shared_ptr<HandleReaper> reaper_;
  std::shared_ptr<LogSink> log_;
  Metrics metrics_;

  mutable std::mutex mu_;
  std::condition_variable returned_;  // a consumer joined idle_, or a reset ended
  struct Idle {
    ConsumerHandle consumer;
    std::chrono::steady_clock::time_point since;
  };
  std::vector<Idle> idle_;     // most recently returned last
  std::size_t resetting_ = 0;  // released consumers the reaper has not kept or destroyed
  bool closed_ = false;
};

}  // namespace eventstreams::kafka
