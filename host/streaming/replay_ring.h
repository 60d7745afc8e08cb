// The recent past of a hub: its last batches, kept so that a client resuming a little behind
// it is served from memory and joins it, instead of starting a Kafka consumer of its own. A
// live hub's serves EventSource reconnects (a Last-Event-ID near the head); a catch-up hub's
// serves a crowd asking for the same past (clients starting at or near the same positions).
//
// The ring keeps the hub's rewritten batches (the ones it just delivered) until they add up to
// more than its byte budget, then drops the oldest. Per partition it knows from which offset
// on it holds every event the hub read ("covered from") and the next offset the hub will read.
// A client whose every partition lies in between can be served exactly: no event lost, none
// repeated. Between the HTTP thread that decides so and the loop thread that replays, a pin
// keeps the batches the client needs from being dropped.
//
// Thread safety: append() and for_each_from() run on the hub's loop thread; pin() and unpin()
// on any thread. One mutex guards everything; the loop thread holds it once per batch.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eventstreams/event_batch.h"
#include "streaming/stream_plan.h"

namespace eventstreams::streaming {

class ReplayRing {
 public:
  explicit ReplayRing(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // Loop thread, before the first append(): where the hub stands now on every partition.
  void start_at(const std::vector<PartitionStart>& positions);

  // Loop thread: keeps `batch` (processed events, their bytes in its arena) and leaves a
  // cleared batch in its place for the hub to reuse; drops the oldest unpinned batches past
  // the byte budget, never the newest. Returns the kept batch: the hub delivers it from
  // there, so a client never holds an id that the ring does not cover yet. It stays valid
  // (only the loop thread drops batches) until the next append().
  const EventBatch& append(EventBatch& batch);

  // An entry of pin()'s `starts` that stands at the head, wherever the hub is.
  static constexpr std::int64_t kAtHead = -1;

  // Any thread: when the ring holds every event after `starts` (one entry per partition the
  // hub reads, offset = the client's next offset, or kAtHead) and they weigh at most
  // `max_replay_bytes`, pins them and returns the pin, with each kAtHead replaced by the
  // hub's next offset; otherwise nothing, and `starts` unchanged.
  std::optional<std::uint64_t> pin(std::vector<PartitionStart>& starts,
                                   std::size_t max_replay_bytes);
  void unpin(std::uint64_t pin);
  // Any thread: a new byte budget (a catch-up hub's ring becoming a live hub's keeps what
  // it holds); the next append() evicts down to it.
  void set_budget(std::size_t max_bytes) {
    std::lock_guard lock(mutex_);
    max_bytes_ = max_bytes;
  }

  // Loop thread: visit(topic, event, value bytes) for every event of the batches from `pin`
  // on, oldest first (events the caller already has included: it filters by offset).
  template <typename Visit>
  void for_each_from(std::uint64_t pin, Visit&& visit) const {
    std::lock_guard lock(mutex_);
    for (const Stored& s : stored_) {
      if (s.seq < pin) continue;
      for (std::size_t i = 0; i < s.batch.events.size(); ++i) {
        const Event& e = s.batch.events[i];
        visit(slots_[static_cast<std::size_t>(s.slot_of[i])].topic, e, s.batch.value(e));
      }
    }
  }

  // What the kept batches hold in memory (tests).
  std::size_t bytes() const;

 private:
  struct Slot {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t covered_from = 0;  // every event read at or after it is in the ring
    std::int64_t next = 0;          // the next offset the hub will read
  };
  struct Stored {
    std::uint64_t seq = 0;
    EventBatch batch;
    std::vector<int> slot_of;  // per event
    std::size_t bytes = 0;
  };

  // With mutex_ held.
  int slot_for(const std::string& topic, std::int32_t partition, std::int64_t offset);
  void evict_unpinned();

  std::size_t max_bytes_;  // mutex_
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::map<std::pair<std::string, std::int32_t>, int> slot_index_;
  // Per topic index of the hub's batches, per partition: the slot (-1: not looked up yet).
  std::vector<std::vector<int>> slot_cache_;
  std::deque<Stored> stored_;
  std::uint64_t next_seq_ = 0;
  std::size_t bytes_ = 0;
  std::multiset<std::uint64_t> pins_;
  EventBatch spare_;  // an evicted batch, handed back by the next append()
};

}  // namespace eventstreams::streaming
