// Works around a stall in librdkafka before 2.3 (issue #2879): when a consumer's prefetch
// queue reaches queued.max.messages.kbytes (or queued.min.messages) the broker thread drops
// the partition from its fetch list with an infinite backoff and only looks again when
// something else wakes it, at the latest after its 1 s idle timeout. A reader that drains its
// queue faster than that sits idle for most of each second: a single catch-up client got
// about 16 MB/s whatever the client and broker could do.
//
// FetchRefill watches the queue the reader drains. Once it has seen the queue within a
// quarter of a threshold (the fetcher decides right after each fetch response, so a queue
// seen that full has most likely stopped it), the next time the reader finds the queue empty
// it asks for a re-arm: the reader seeks each partition to the offset it will deliver next.
// The seek is asynchronous (an op that wakes the broker thread) and skips or repeats
// nothing. Its cost is one fetch thrown away when the fetcher had not stopped after all. A
// reader that keeps up with the fetcher never sees the queue that full and never seeks.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eventstreams::kafka {

class FetchRefill {
 public:
  // The consumer's queued.max.messages.kbytes (as bytes) and queued.min.messages.
  FetchRefill(std::uint64_t max_queued_bytes, std::uint64_t max_queued_messages) noexcept;

  // Before draining: `queued` messages wait in the queue.
  void observe_queue(std::size_t queued) noexcept;
  // A message of `bytes` payload (plus key: librdkafka counts the payload) was taken.
  void taken(std::size_t bytes) noexcept;
  // The queue was found empty. True when the fetcher may have stopped: the caller re-arms it
  // (once; the next re-arm needs the queue seen near a threshold again).
  bool drained() noexcept;

  bool armed() const noexcept { return near_full_; }

 private:
  std::uint64_t watch_bytes_;
  std::uint64_t watch_messages_;
  std::uint64_t taken_messages_ = 0;
  std::uint64_t taken_bytes_ = 0;
  bool near_full_ = false;
};

}  // namespace eventstreams::kafka
