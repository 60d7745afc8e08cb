// When a reader re-arms its fetcher (fetch_refill.h): only after it saw the queue near a
// threshold, and once per such sighting.
#include "fetch_refill.h"

#include <gtest/gtest.h>

namespace eventstreams::kafka {
namespace {

TEST(FetchRefill, AQueueThatStaysSmallNeverAsksForARearm) {
  FetchRefill refill(4 << 20, 100000);
  for (int round = 0; round < 100; ++round) {
    refill.observe_queue(500);  // about 500 KB of 1 KB events: far below 4 MB
    for (int i = 0; i < 500; ++i) refill.taken(1000);
    EXPECT_FALSE(refill.drained());
  }
}

TEST(FetchRefill, AQueueSeenNearTheByteLimitAsksOnceWhenDrained) {
  FetchRefill refill(4 << 20, 100000);
  for (int i = 0; i < 100; ++i) refill.taken(1000);  // learns the event size
  refill.observe_queue(3000);                        // about 3 MB: under 3/4 of 4 MB
  EXPECT_FALSE(refill.armed());
  refill.observe_queue(3200);  // 3.2 MB: over
  EXPECT_TRUE(refill.armed());
  EXPECT_TRUE(refill.drained());
  EXPECT_FALSE(refill.drained());  // once
  refill.observe_queue(10);
  EXPECT_FALSE(refill.drained());
}

TEST(FetchRefill, AQueueSeenNearTheMessageLimitAsks) {
  FetchRefill refill(1ull << 40, 1000);
  for (int i = 0; i < 10; ++i) refill.taken(10);
  refill.observe_queue(749);
  EXPECT_FALSE(refill.armed());
  refill.observe_queue(750);
  EXPECT_TRUE(refill.drained());
}

TEST(FetchRefill, BeforeAnyEventTheSizeIsGuessedHigh) {
  // 1 KB guessed per message: 3072 messages reach 3/4 of 4 MB.
  FetchRefill refill(4 << 20, 100000);
  refill.observe_queue(3071);
  EXPECT_FALSE(refill.armed());
  refill.observe_queue(3072);
  EXPECT_TRUE(refill.drained());
}

TEST(FetchRefill, AnEmptyQueueIsNotNearFull) {
  FetchRefill refill(0, 0);  // degenerate limits: 3/4 of 0 is 0
  refill.observe_queue(0);
  EXPECT_FALSE(refill.drained());
  refill.observe_queue(1);
  EXPECT_TRUE(refill.drained());
}

}  // namespace
}  // namespace eventstreams::kafka
