// Where a stream starts (SPEC 2): `since` as a number and as a date string on the offsets
// Kafka's time index gives, Last-Event-ID by timestamp and by offset, out-of-range offsets,
// partitions the header does not name, and X-Replay-Truncated.
#include "streaming_fixture.h"

namespace eventstreams::testing {
namespace {

class Positioning : public StreamingTest {
 protected:
  // Ten events one second apart, ending a minute ago; returns their timestamps.
  std::vector<std::int64_t> produce_ten(const std::string& t) {
    const std::int64_t base = now_ms() - 70000;
    std::vector<ProduceMessage> msgs;
    std::vector<std::int64_t> ts;
    for (int i = 0; i < 10; ++i) {
      ts.push_back(base + i * 1000);
      msgs.push_back({t, 0, R"({"i":)" + std::to_string(i) + "}", std::nullopt, ts.back()});
    }
    producer().produce_many(msgs);
    return ts;
  }
};

TEST_F(Positioning, SinceAsMillisecondsLandsOnTheTimeIndexOffset) {
  const auto t = topic("since-num");
  const auto ts = produce_ten(t);
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s?since=" + std::to_string(ts[4]));
  const auto events = read_events(*c, 6);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events.front().offset, 4);  // the first event at or after `since`
  EXPECT_EQ(events.back().offset, 9);
}

TEST_F(Positioning, SinceAsIsoDateString) {
  const auto t = topic("since-iso");
  const auto ts = produce_ten(t);
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s?since=" + iso8601(ts[7] - 1));
  const auto events = read_events(*c, 3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events.front().offset, 7);
}

TEST_F(Positioning, SinceWithoutZoneMeansUtc) {
  const auto t = topic("since-nozone");
  const auto ts = produce_ten(t);
  start_server({{"s", {t}}});
  std::string no_zone = iso8601(ts[8]);
  no_zone.pop_back();  // drop the "Z"
  auto c = open_ready("/v2/stream/s?since=" + no_zone);
  const auto events = read_events(*c, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events.front().offset, 8);
}

TEST_F(Positioning, SinceAfterTheLastEventStartsAtTheEnd) {
  const auto t = topic("since-future");
  produce_ten(t);
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s?since=" + std::to_string(now_ms() - 1000));
  producer().produce(t, 0, R"({"new":true})");
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].offset, 10);
}

TEST_F(Positioning, LastEventIdTimestampsFromTenMinutesAgo) {
  const auto t = topic("leid-ts", 2);
  const std::int64_t ten_minutes_ago = now_ms() - 10 * 60 * 1000;
  producer().produce_many({{t, 0, R"({"a":1})", std::nullopt, ten_minutes_ago + 1000},
                           {t, 1, R"({"b":1})", std::nullopt, ten_minutes_ago + 2000}});
  start_server({{"s", {t}}});
  const std::string id = R"([{"topic":")" + t + R"(","partition":0,"timestamp":)" +
                         std::to_string(ten_minutes_ago) + R"(},{"topic":")" + t +
                         R"(","partition":1,"timestamp":)" + std::to_string(ten_minutes_ago) + "}]";
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", id}});
  const auto events = read_events(*c, 2);
  std::set<std::string> got;
  for (const auto& e : events) got.insert(key_of(e));
  EXPECT_EQ(got, (std::set<std::string>{t + "/0/0", t + "/1/0"}));
}

TEST_F(Positioning, OffsetBeyondTheEndResetsToTheEndAndPicksUpTheNextEvent) {
  const auto t = topic("leid-beyond");
  producer().produce(t, 0, R"({"old":true})");
  start_server({{"s", {t}}});
  auto c =
      open_ready("/v2/stream/s",
                 {{"Last-Event-ID", R"([{"topic":")" + t + R"(","partition":0,"offset":1000}])"}});
  producer().produce(t, 0, R"({"new":true})");
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].offset, 1);
}

TEST_F(Positioning, PartitionsTheHeaderDoesNotNameStartAsWithoutIt) {
  const auto a = topic("union-a");
  const auto b = topic("union-b");
  producer().produce_many({{a, 0, R"({"a":0})"}, {b, 0, R"({"b":0})"}});
  start_server({{"s", {a, b}}});
  // Only `a` is named: it starts at offset 0; `b` starts at the end (no since).
  auto c =
      open_ready("/v2/stream/s",
                 {{"Last-Event-ID", R"([{"topic":")" + a + R"(","partition":0,"offset":0}])"}});
  auto first = read_events(*c, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(key_of(first[0]), a + "/0/0");
  producer().produce(b, 0, R"({"b":1})");
  auto second = read_events(*c, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(key_of(second[0]), b + "/0/1");
  // And the id names both topics' partitions.
  EXPECT_NE(second[0].id.find(a), std::string::npos);
}

TEST_F(Positioning, UnnamedPartitionsStartFromSinceWhenGiven) {
  const auto a = topic("union-since-a");
  const auto b = topic("union-since-b");
  const auto ts = produce_ten(b);
  producer().produce(a, 0, R"({"a":0})");
  start_server({{"s", {a, b}}});
  auto c =
      open_ready("/v2/stream/s?since=" + std::to_string(ts[9]),
                 {{"Last-Event-ID", R"([{"topic":")" + a + R"(","partition":0,"offset":0}])"}});
  const auto events = read_events(*c, 2);
  std::set<std::string> got;
  for (const auto& e : events) got.insert(key_of(e));
  EXPECT_EQ(got, (std::set<std::string>{a + "/0/0", b + "/0/9"}));
}

TEST_F(Positioning, OffsetEntryWithForeignClusterMarkerUsesItsTimestamp) {
  const auto t = topic("foreign");
  const auto ts = produce_ten(t);
  start_server({{"s", {t}}});
  // Offset 1 from another cluster: its offsets mean nothing here, the timestamp does.
  const std::string id = R"([{"topic":")" + t + R"(","partition":0,"offset":1,"timestamp":)" +
                         std::to_string(ts[6]) + R"(,"cluster":"another-cluster"}])";
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", id}});
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].offset, 6);
}

TEST_F(Positioning, ReplayBeforeTheOldestRetainedEventIsFlagged) {
  const auto t = topic("truncated", 2);
  producer().produce_many({{t, 0, "{}"}, {t, 0, "{}"}, {t, 0, "{}"}, {t, 1, "{}"}});
  broker().delete_records(t, 0, 2);  // as if retention removed offsets 0 and 1
  start_server({{"s", {t}}});
  const std::string id = R"([{"topic":")" + t + R"(","partition":0,"offset":0},{"topic":")" + t +
                         R"(","partition":1,"offset":0}])";
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", id}});
  EXPECT_EQ(c->header("X-Replay-Truncated").value_or(""), t + "/0");
  const auto events = read_events(*c, 2);
  std::set<std::string> got;
  for (const auto& e : events) got.insert(key_of(e));
  EXPECT_EQ(got, (std::set<std::string>{t + "/0/2", t + "/1/0"}));
}

}  // namespace
}  // namespace eventstreams::testing
