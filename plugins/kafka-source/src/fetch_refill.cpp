#include "fetch_refill.h"

namespace eventstreams::kafka {

// Three quarters of either threshold count as "near": the size in bytes is estimated from
// the average event, and the queue is seen only between chunks of a poll.
FetchRefill::FetchRefill(std::uint64_t max_queued_bytes, std::uint64_t max_queued_messages) noexcept
    : watch_bytes_(max_queued_bytes / 4 * 3), watch_messages_(max_queued_messages / 4 * 3) {}

void FetchRefill::observe_queue(std::size_t queued) noexcept {
  if (near_full_ || queued == 0) return;
  if (queued >= watch_messages_) {
    near_full_ = true;
    return;
  }
  // Average size of what was taken so far; before the first message assume the worst.
  const std::uint64_t per_message = taken_messages_ == 0 ? 1024 : taken_bytes_ / taken_messages_;
  if (queued * per_message >= watch_bytes_) near_full_ = true;
}

void FetchRefill::taken(std::size_t bytes) noexcept {
  ++taken_messages_;
  taken_bytes_ += bytes;
  // Keep the average recent and the sums far from overflow.
  if (taken_messages_ >= (1u << 20)) {
    taken_messages_ /= 2;
    taken_bytes_ /= 2;
  }
}

bool FetchRefill::drained() noexcept {
  const bool rearm = near_full_;
  near_full_ = false;
  return rearm;
}

}  // namespace eventstreams::kafka
