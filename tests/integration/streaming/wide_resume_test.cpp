// Wide streams (issue 12): ids of 1,024 partitions are compact enough to be sent back as
// Last-Event-ID through POCO's 8,192-byte header value limit (and nginx's 8 KiB buffers), and
// resuming with one gives exactly the events after it.
#include "streaming_fixture.h"

namespace eventstreams::testing {
namespace {

TEST_F(StreamingTest, ThousandPartitionIdFitsAHeaderAndResumesExactly) {
  constexpr int kPartitions = 512;  // two topics: 1,024 partitions
  const auto a = topic("wide-a", kPartitions);
  const auto b = topic("wide-b", kPartitions);
  // One event on every 16th partition of each topic, so the id mixes partitions that moved and
  // partitions still at their start.
  std::vector<ProduceMessage> first;
  for (int p = 0; p < kPartitions; p += 16) {
    first.push_back({a, p, R"({"n":"a)" + std::to_string(p) + "\"}"});
    first.push_back({b, p, R"({"n":"b)" + std::to_string(p) + "\"}"});
  }
  producer().produce_many(first);
  start_server({{"s", {a, b}}});

  auto c = open_ready("/v2/stream/s?since=0");
  const auto events = read_events(*c, first.size(), 60s);
  ASSERT_EQ(events.size(), first.size());
  c->close();
  const std::string id = events.back().id;
  // "Last-Event-ID: " + id + CRLF must fit POCO's and nginx's limits.
  EXPECT_LE(id.size(), 8000u) << id.size();
  const auto named = id_positions(id);
  ASSERT_EQ(named.size(), 2u * kPartitions);
  for (const auto& e : named) {
    ASSERT_TRUE(e.offset.has_value()) << e.topic << "/" << e.partition;
    EXPECT_EQ(*e.offset, e.partition % 16 == 0 ? 1 : 0) << e.topic << "/" << e.partition;
    EXPECT_TRUE(e.cluster.has_value());
  }

  // More events, on other partitions and on ones that moved; the resume gets exactly them.
  std::vector<ProduceMessage> second;
  for (int p = 5; p < kPartitions; p += 37) {
    second.push_back({a, p, R"({"n":"a2-)" + std::to_string(p) + "\"}"});
    second.push_back({b, p - 5, R"({"n":"b2-)" + std::to_string(p - 5) + "\"}"});
  }
  producer().produce_many(second);
  auto again = open_ready("/v2/stream/s", {{"Last-Event-ID", id}});
  ASSERT_EQ(again->status(), 200);
  const auto rest = read_events(*again, second.size(), 60s);
  ASSERT_EQ(rest.size(), second.size());
  std::set<std::string> want, got;
  for (const auto& m : second) {
    want.insert(m.topic + "/" + std::to_string(m.partition) + "/" +
                (m.partition % 16 == 0 ? "1" : "0"));
  }
  for (const auto& e : rest) EXPECT_TRUE(got.insert(key_of(e)).second) << "duplicate " << key_of(e);
  EXPECT_EQ(got, want);
  expect_no_event(*again, 1000ms);
}

}  // namespace
}  // namespace eventstreams::testing
