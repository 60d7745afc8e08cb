#include "streaming/replay_ring.h"

#include <algorithm>

namespace eventstreams::streaming {

void ReplayRing::start_at(const std::vector<PartitionStart>& positions) {
  std::lock_guard lock(mutex_);
  for (const PartitionStart& p : positions) slot_for(p.topic, p.partition, p.offset);
}

int ReplayRing::slot_for(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  auto [it, added] = slot_index_.try_emplace({topic, partition}, static_cast<int>(slots_.size()));
  // A partition first seen in a batch (not named by start_at): covered from that event on.
  if (added) slots_.push_back({topic, partition, offset, offset});
  return it->second;
}

const EventBatch& ReplayRing::append(EventBatch& batch) {
  std::lock_guard lock(mutex_);
  Stored s;
  s.seq = next_seq_++;
  s.slot_of.reserve(batch.events.size());
  for (const Event& e : batch.events) {
    if (slot_cache_.size() <= e.topic) slot_cache_.resize(e.topic + 1);
    std::vector<int>& by_partition = slot_cache_[e.topic];
    const auto p = static_cast<std::size_t>(std::max(e.partition, 0));
    if (by_partition.size() <= p) by_partition.resize(p + 1, -1);
    if (by_partition[p] < 0)
      by_partition[p] = slot_for(batch.topics[e.topic], e.partition, e.offset);
    const int slot = by_partition[p];
    Slot& sl = slots_[static_cast<std::size_t>(slot)];
    sl.next = std::max(sl.next, e.offset + 1);
    s.slot_of.push_back(slot);
  }
  // What the batch holds in memory (recycled buffers keep their capacity), not what it uses.
  s.bytes = batch.arena.capacity() + batch.events.capacity() * sizeof(Event) +
            s.slot_of.capacity() * sizeof(int) + sizeof(Stored);
  bytes_ += s.bytes;
  s.batch = std::move(batch);
  stored_.push_back(std::move(s));
  evict_unpinned();
  batch = std::move(spare_);
  batch.clear();
  spare_ = EventBatch{};
  return stored_.back().batch;
}

void ReplayRing::evict_unpinned() {
  const std::uint64_t oldest_pin = pins_.empty() ? next_seq_ : *pins_.begin();
  while (bytes_ > max_bytes_ && stored_.size() > 1 && stored_.front().seq < oldest_pin) {
    Stored& old = stored_.front();
    for (std::size_t i = 0; i < old.batch.events.size(); ++i) {
      Slot& sl = slots_[static_cast<std::size_t>(old.slot_of[i])];
      sl.covered_from = std::max(sl.covered_from, old.batch.events[i].offset + 1);
    }
    bytes_ -= old.bytes;
    spare_ = std::move(old.batch);
    stored_.pop_front();
  }
}

std::optional<std::uint64_t> ReplayRing::pin(std::vector<PartitionStart>& starts,
                                             std::size_t max_replay_bytes) {
  std::lock_guard lock(mutex_);
  // The client must name exactly the partitions the hub reads: the hub's ids name them all.
  if (starts.size() != slots_.size()) return std::nullopt;
  std::vector<std::int64_t> want(slots_.size(), -1);  // by slot: the client's next offset
  std::vector<std::size_t> slot_of_start;             // by entry of `starts`
  slot_of_start.reserve(starts.size());
  for (const PartitionStart& s : starts) {
    auto it = slot_index_.find({s.topic, s.partition});
    if (it == slot_index_.end()) return std::nullopt;
    const auto slot = static_cast<std::size_t>(it->second);
    const Slot& sl = slots_[slot];
    const std::int64_t offset = s.offset == kAtHead ? sl.next : s.offset;
    if (offset < sl.covered_from || offset > sl.next) return std::nullopt;
    want[slot] = offset;
    slot_of_start.push_back(slot);
  }
  // The oldest batch with an event the client lacks; nothing lacking: the next batch.
  std::uint64_t first = next_seq_;
  std::size_t replay_bytes = 0;
  for (const Stored& s : stored_) {
    if (first == next_seq_) {
      for (std::size_t i = 0; i < s.batch.events.size(); ++i) {
        if (s.batch.events[i].offset >= want[static_cast<std::size_t>(s.slot_of[i])]) {
          first = s.seq;
          break;
        }
      }
    }
    if (first != next_seq_) replay_bytes += s.batch.arena.size();
  }
  if (replay_bytes > max_replay_bytes) return std::nullopt;
  for (std::size_t i = 0; i < starts.size(); ++i) starts[i].offset = want[slot_of_start[i]];
  pins_.insert(first);
  return first;
}

void ReplayRing::unpin(std::uint64_t pin) {
  std::lock_guard lock(mutex_);
  if (auto it = pins_.find(pin); it != pins_.end()) pins_.erase(it);
}

std::size_t ReplayRing::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace eventstreams::streaming
