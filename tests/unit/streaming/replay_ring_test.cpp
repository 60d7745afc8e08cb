// The replay ring of a live hub: which resume positions it can serve exactly, what a pin
// keeps, and the byte budget.
#include "streaming/replay_ring.h"

#include <gtest/gtest.h>

namespace eventstreams::streaming {
namespace {

// A batch of one event per offset in [first, last] of ("t", partition), 100-byte values.
EventBatch batch(std::int32_t partition, std::int64_t first, std::int64_t last) {
  EventBatch b;
  b.topics = {"t"};
  for (std::int64_t o = first; o <= last; ++o) {
    Event e;
    e.partition = partition;
    e.offset = o;
    e.timestamp = 1000 + o;
    e.value = b.store(std::string(99, 'x') + std::to_string(o % 10));
    b.events.push_back(e);
  }
  return b;
}

std::vector<std::int64_t> offsets_from(const ReplayRing& ring, std::uint64_t pin) {
  std::vector<std::int64_t> out;
  ring.for_each_from(pin, [&](const std::string& topic, const Event& e, std::string_view value) {
    EXPECT_EQ(topic, "t");
    EXPECT_EQ(value.size(), 100u);
    out.push_back(e.partition * 1000 + e.offset);
  });
  return out;
}

std::vector<PartitionStart> at(std::int64_t p0, std::int64_t p1) {
  return {{"t", 0, p0, std::nullopt}, {"t", 1, p1, std::nullopt}};
}

std::optional<std::uint64_t> pin_at(ReplayRing& ring, std::vector<PartitionStart> starts,
                                    std::size_t max_replay_bytes) {
  return ring.pin(starts, max_replay_bytes);
}

TEST(ReplayRing, ServesPositionsBetweenWhatItCoversAndTheHead) {
  ReplayRing ring(1 << 20);
  ring.start_at(at(10, 20));
  // Right at the start: nothing to replay, the next batch is pinned.
  auto head = pin_at(ring, at(10, 20), 1 << 20);
  ASSERT_TRUE(head.has_value());
  EventBatch b = batch(0, 10, 12);
  ring.append(b);
  EXPECT_TRUE(b.events.empty());  // handed back cleared, for reuse
  b = batch(1, 20, 21);
  ring.append(b);
  EXPECT_EQ(offsets_from(ring, *head), (std::vector<std::int64_t>{10, 11, 12, 1020, 1021}));
  ring.unpin(*head);

  // Partition 1 is at its head: only the batches with partition 0 events it lacks count.
  auto mid = pin_at(ring, at(11, 22), 1 << 20);
  ASSERT_TRUE(mid.has_value());
  EXPECT_EQ(offsets_from(ring, *mid).front(), 10);  // the caller filters by offset
  ring.unpin(*mid);
  auto only_p1 = pin_at(ring, at(13, 21), 1 << 20);
  ASSERT_TRUE(only_p1.has_value());
  EXPECT_EQ(offsets_from(ring, *only_p1), (std::vector<std::int64_t>{1020, 1021}));
  ring.unpin(*only_p1);

  // "The end" for a partition the client does not name: wherever the hub stands.
  std::vector<PartitionStart> starts = at(11, ReplayRing::kAtHead);
  auto at_end = ring.pin(starts, 1 << 20);
  ASSERT_TRUE(at_end.has_value());
  EXPECT_EQ(starts[1].offset, 22);
  EXPECT_EQ(starts[0].offset, 11);
  ring.unpin(*at_end);
  starts = at(9, ReplayRing::kAtHead);
  EXPECT_FALSE(ring.pin(starts, 1 << 20));
  EXPECT_EQ(starts[1].offset, ReplayRing::kAtHead);  // unchanged when it cannot serve

  EXPECT_FALSE(pin_at(ring, at(9, 20), 1 << 20));                     // before what the ring saw
  EXPECT_FALSE(pin_at(ring, at(14, 20), 1 << 20));                    // past the head
  EXPECT_FALSE(pin_at(ring, {{"t", 0, 10, std::nullopt}}, 1 << 20));  // not every partition
  EXPECT_FALSE(pin_at(ring, {{"t", 0, 10, std::nullopt}, {"u", 1, 20, std::nullopt}}, 1 << 20));
  EXPECT_FALSE(pin_at(ring, at(10, 20), 100));  // more than the caller may take at once
}

TEST(ReplayRing, DropsTheOldestPastItsBudgetButNeverWhatIsPinned) {
  ReplayRing ring(1000);  // a few batches of 300 value bytes
  ring.start_at(at(0, 0));
  for (int i = 0; i < 3; ++i) {
    EventBatch b = batch(0, i * 3, i * 3 + 2);
    ring.append(b);
  }
  auto pin = pin_at(ring, at(6, 0), 1 << 20);  // needs the third batch
  ASSERT_TRUE(pin.has_value());
  for (int i = 3; i < 10; ++i) {
    EventBatch b = batch(0, i * 3, i * 3 + 2);
    ring.append(b);
  }
  // Everything from the pinned batch on is still there, past the budget.
  const auto kept = offsets_from(ring, *pin);
  ASSERT_EQ(kept.size(), 24u);
  EXPECT_EQ(kept.front(), 6);
  EXPECT_FALSE(pin_at(ring, at(5, 0), 1 << 20));  // the batch before it went
  ring.unpin(*pin);
  EventBatch b = batch(0, 30, 32);
  ring.append(b);
  EXPECT_LE(ring.bytes(), 1000u);
  EXPECT_FALSE(pin_at(ring, at(6, 0), 1 << 20));  // unpinned: dropped with the rest
  auto recent = pin_at(ring, at(31, 0), 1 << 20);
  ASSERT_TRUE(recent.has_value());
  EXPECT_EQ(offsets_from(ring, *recent).back(), 32);
}

}  // namespace
}  // namespace eventstreams::streaming
