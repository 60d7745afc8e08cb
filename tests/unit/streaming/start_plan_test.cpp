// Where a request's partitions start (SPEC 2), before any reader exists.
#include "streaming/start_plan.h"

#include <gtest/gtest.h>

#include "streaming/replay_ring.h"

namespace eventstreams::streaming {
namespace {

using Kind = StartSpec::Kind;
using request::LastEventIdEntry;

const std::vector<TopicPartitions> kLayout{{"a", 2}, {"b", 1}};

TEST(StartSpecs, NoStartMeansTheEndOfEveryPartition) {
  auto specs = start_specs("c1", std::nullopt, {}, kLayout);
  ASSERT_TRUE(specs);
  ASSERT_EQ(specs->size(), 3u);
  for (const auto& s : *specs) EXPECT_EQ(s.kind, Kind::kLatest);
  EXPECT_EQ((*specs)[2].topic, "b");
}

TEST(StartSpecs, SinceAppliesToThePartitionsTheIdDoesNotName) {
  std::vector<LastEventIdEntry> id{{"a", 1, 42, 5000, std::string("c1")}};
  auto specs = start_specs("c1", 7000, id, kLayout);
  ASSERT_TRUE(specs);
  EXPECT_EQ((*specs)[0].kind, Kind::kTimestamp);
  EXPECT_EQ((*specs)[0].value, 7000);
  EXPECT_EQ((*specs)[1].kind, Kind::kOffset);  // same cluster: the exact offset
  EXPECT_EQ((*specs)[1].value, 42);
}

TEST(StartSpecs, AnOffsetFromAnotherClusterResumesByItsTimestamp) {
  std::vector<LastEventIdEntry> id{{"a", 0, 42, 5000, std::string("elsewhere")},
                                   {"a", 1, 9, std::nullopt, std::nullopt},
                                   {"b", 0, -2, std::nullopt, std::nullopt}};
  auto specs = start_specs("c1", std::nullopt, id, kLayout);
  ASSERT_TRUE(specs);
  EXPECT_EQ((*specs)[0].kind, Kind::kTimestamp);
  EXPECT_EQ((*specs)[0].value, 5000);
  EXPECT_EQ((*specs)[1].kind, Kind::kOffset);  // an offset alone is all there is
  EXPECT_EQ((*specs)[2].kind, Kind::kEarliest);
}

TEST(StartSpecs, APartitionThatDoesNotExistIsRefused) {
  std::vector<LastEventIdEntry> id{{"b", 4, 1, std::nullopt, std::nullopt}};
  auto specs = start_specs("c1", std::nullopt, id, kLayout);
  ASSERT_FALSE(specs);
  EXPECT_EQ(specs.error().status, 400);
  EXPECT_EQ(specs.error().type, "invalid_last_event_id");
  EXPECT_EQ(specs.error().detail,
            "Last-Event-ID names partition 4 of topic 'b', which does not exist");
}

TEST(ExactStarts, OnlyOffsetsAndTheEndMakeAnExactResume) {
  const std::vector<StartSpec> exact{{"a", 0, Kind::kOffset, 5}, {"a", 1, Kind::kLatest, 0}};
  auto starts = exact_starts(exact, 123);
  ASSERT_TRUE(starts);
  EXPECT_EQ((*starts)[0].offset, 5);
  EXPECT_FALSE((*starts)[0].timestamp);
  EXPECT_EQ((*starts)[1].offset, ReplayRing::kAtHead);
  EXPECT_EQ((*starts)[1].timestamp, 123);
  EXPECT_FALSE(exact_starts({{"a", 0, Kind::kTimestamp, 5}}, 123));
  EXPECT_FALSE(exact_starts({{"a", 0, Kind::kEarliest, 0}}, 123));
}

TEST(ResolvedStarts, IdsStartFromTheRequestedTimeOrNow) {
  const std::vector<StartSpec> specs{
      {"a", 0, Kind::kTimestamp, 900}, {"a", 1, Kind::kLatest, 0}, {"b", 0, Kind::kOffset, 3}};
  const std::vector<StartPosition> positions{
      {"a", 0, 10, false}, {"a", 1, 20, false}, {"b", 0, 5, true}};
  auto starts = resolved_starts(specs, positions, 1000);
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(starts[0].offset, 10);
  EXPECT_EQ(starts[0].timestamp, 900);
  EXPECT_EQ(starts[1].timestamp, 1000);
  EXPECT_FALSE(starts[2].timestamp);
  EXPECT_EQ(truncated_partitions(positions), "b/0");
  EXPECT_EQ(truncated_partitions({}), "");
}

TEST(SourceProblem, MapsTheSourcesAnswerToSpec4) {
  EXPECT_EQ(source_problem({SourceStatus::Code::kTopicNotFound, "x"}).status, 503);
  EXPECT_EQ(source_problem({SourceStatus::Code::kTopicNotFound, "x"}).type, "topic_not_available");
  EXPECT_EQ(source_problem({SourceStatus::Code::kTimeout, "x"}).status, 504);
  EXPECT_EQ(source_problem({SourceStatus::Code::kUnavailable, "x"}).status, 502);
  EXPECT_EQ(source_problem({SourceStatus::Code::kError, "boom"}).detail, "boom");
}

}  // namespace
}  // namespace eventstreams::streaming
