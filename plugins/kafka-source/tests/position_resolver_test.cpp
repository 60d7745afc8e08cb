#include "position_resolver.h"

#include <gtest/gtest.h>

namespace eventstreams::kafka {
namespace {

StartSpec spec(StartSpec::Kind kind, std::int64_t value = 0) {
  StartSpec s;
  s.topic = "t";
  s.partition = 3;
  s.kind = kind;
  s.value = value;
  return s;
}

constexpr Watermarks kWm{100, 200};

TEST(Place, LatestAndEarliest) {
  StartPosition p = place(spec(StartSpec::Kind::kLatest), kWm, -1);
  EXPECT_EQ(p.topic, "t");
  EXPECT_EQ(p.partition, 3);
  EXPECT_EQ(p.offset, 200);
  EXPECT_FALSE(p.truncated);
  p = place(spec(StartSpec::Kind::kEarliest), kWm, -1);
  EXPECT_EQ(p.offset, 100);
  EXPECT_FALSE(p.truncated);
}

TEST(Place, OffsetsAreClamped) {
  using K = StartSpec::Kind;
  EXPECT_EQ(place(spec(K::kOffset, 150), kWm, -1).offset, 150);
  EXPECT_EQ(place(spec(K::kOffset, 100), kWm, -1).offset, 100);
  EXPECT_EQ(place(spec(K::kOffset, 200), kWm, -1).offset, 200);
  // Beyond the end: the end (SPEC 2), not truncated.
  StartPosition p = place(spec(K::kOffset, 5000), kWm, -1);
  EXPECT_EQ(p.offset, 200);
  EXPECT_FALSE(p.truncated);
  // Before the oldest retained event: the oldest, truncated.
  p = place(spec(K::kOffset, 7), kWm, -1);
  EXPECT_EQ(p.offset, 100);
  EXPECT_TRUE(p.truncated);
  // Logical offsets.
  EXPECT_EQ(place(spec(K::kOffset, -1), kWm, -1).offset, 200);
  p = place(spec(K::kOffset, -2), kWm, -1);
  EXPECT_EQ(p.offset, 100);
  EXPECT_FALSE(p.truncated);
  EXPECT_EQ(place(spec(K::kOffset, -7), kWm, -1).offset, 200);
}

TEST(Place, TimestampWithoutAnswerStartsAtTheEnd) {
  const StartPosition p = place(spec(StartSpec::Kind::kTimestamp, 1700000000000), kWm, -1);
  EXPECT_EQ(p.offset, 200);
  EXPECT_FALSE(p.truncated);
}

TEST(Place, TimestampAnswers) {
  using K = StartSpec::Kind;
  StartPosition p = place(spec(K::kTimestamp, 1), kWm, 150);
  EXPECT_EQ(p.offset, 150);
  EXPECT_FALSE(p.truncated);
  // Landing on the oldest retained event of a partition that lost events: maybe truncated.
  p = place(spec(K::kTimestamp, 1), kWm, 100);
  EXPECT_EQ(p.offset, 100);
  EXPECT_TRUE(p.truncated);
  // Nothing was ever deleted: not truncated.
  p = place(spec(K::kTimestamp, 1), Watermarks{0, 50}, 0);
  EXPECT_EQ(p.offset, 0);
  EXPECT_FALSE(p.truncated);
  // An answer outside the watermarks (raced with retention or appends) is clamped.
  EXPECT_EQ(place(spec(K::kTimestamp, 1), kWm, 300).offset, 200);
  p = place(spec(K::kTimestamp, 1), kWm, 50);
  EXPECT_EQ(p.offset, 100);
  EXPECT_TRUE(p.truncated);
}

}  // namespace
}  // namespace eventstreams::kafka
