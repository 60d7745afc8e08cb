// Delivery over real HTTP from a real Kafka broker (SPEC 2, 2.1, 2.2, 7): connect, events from
// one and several topics, order and ids, invalid messages skipped, several streams in one
// request, NDJSON, meta.key, heartbeats.
#include "streaming_fixture.h"

namespace eventstreams::testing {
namespace {

std::string from_zero(const std::vector<std::string>& topics, int partitions = 1) {
  std::string out = "[";
  for (const auto& t : topics) {
    for (int p = 0; p < partitions; ++p) {
      if (out.size() > 1) out += ",";
      out += R"({"topic":")" + t + R"(","partition":)" + std::to_string(p) + R"(,"offset":0})";
    }
  }
  return out + "]";
}

TEST_F(StreamingTest, ConnectGivesChunkedEventStreamStartingWithOk) {
  const auto t = topic("connect");
  start_server({{"s", {t}}});
  auto c = open("/v2/stream/s");
  EXPECT_EQ(c->status(), 200);
  EXPECT_TRUE(c->is_chunked());
  EXPECT_EQ(c->header("Content-Type").value_or(""), "text/event-stream; charset=utf-8");
  EXPECT_EQ(c->header("Cache-Control").value_or(""), "no-cache");
  ASSERT_TRUE(c->raw_until(":ok\n\n", 10s));
  EXPECT_EQ(c->raw().substr(0, 5), ":ok\n\n");
}

TEST_F(StreamingTest, LiveClientReceivesEventsProducedAfterConnecting) {
  const auto t = topic("live");
  producer().produce(t, 0, R"({"before":true})");
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s");
  producer().produce(t, 0, R"({"after":true})");
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0].data.find("\"after\":true"), std::string::npos) << events[0].data;
  EXPECT_EQ(events[0].offset, 1);
}

TEST_F(StreamingTest, ConsumeFromOffsetZeroOfOneTopic) {
  const auto t = topic("offset0");
  producer().produce(t, 0, R"({"n":0})");
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({t})}});
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].topic, t);
  EXPECT_EQ(events[0].partition, 0);
  EXPECT_EQ(events[0].offset, 0);
  EXPECT_EQ(events[0].data, R"({"n":0,"meta":{"topic":")" + t + R"(","partition":0,"offset":0}})");
}

TEST_F(StreamingTest, TwoEventsFromOneTopic) {
  const auto t = topic("two");
  producer().produce_many({{t, 0, R"({"n":0})"}, {t, 0, R"({"n":1})"}});
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({t})}});
  const auto events = read_events(*c, 2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].offset, 0);
  EXPECT_EQ(events[1].offset, 1);
}

TEST_F(StreamingTest, ThreeEventsAcrossTwoTopicsInOneRequest) {
  const auto a = topic("three-a");
  const auto b = topic("three-b");
  producer().produce_many({{a, 0, R"({"n":0})"}, {a, 0, R"({"n":1})"}, {b, 0, R"({"n":2})"}});
  start_server({{"s", {a, b}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({a, b})}});
  const auto events = read_events(*c, 3);
  std::set<std::string> got;
  for (const auto& e : events) got.insert(key_of(e));
  EXPECT_EQ(got, (std::set<std::string>{a + "/0/0", a + "/0/1", b + "/0/0"}));
}

TEST_F(StreamingTest, TwoStreamsInOneRequest) {
  const auto a = topic("streams-a");
  const auto b = topic("streams-b");
  producer().produce_many({{a, 0, R"({"s":"a"})"}, {b, 0, R"({"s":"b"})"}});
  start_server({{"sa", {a}}, {"sb", {b}}});
  // %2C is a comma too (SPEC 2).
  auto c = open_ready("/v2/stream/sa%2Csb", {{"Last-Event-ID", from_zero({a, b})}});
  const auto events = read_events(*c, 2);
  std::set<std::string> topics;
  for (const auto& e : events) topics.insert(e.topic);
  EXPECT_EQ(topics, (std::set<std::string>{a, b}));
}

TEST_F(StreamingTest, TenEventsArriveInOrderWithTimestampIds) {
  const auto t = topic("ten");
  const std::int64_t base = now_ms() - 60000;
  std::vector<ProduceMessage> msgs;
  for (int i = 0; i < 10; ++i) {
    msgs.push_back({t, 0, R"({"i":)" + std::to_string(i) + "}", std::nullopt, base + i});
  }
  producer().produce_many(msgs);
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({t})}});
  const auto events = read_events(*c, 10);
  ASSERT_EQ(events.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(events[i].offset, i);
    const auto id = id_positions(events[i].id);
    ASSERT_EQ(id.size(), 1u) << events[i].id;
    EXPECT_EQ(id[0].topic, t);
    EXPECT_EQ(id[0].partition, 0);
    // Delivered partitions are named by timestamp + 1 (SPEC 2.1, 7).
    EXPECT_EQ(id[0].timestamp, base + i + 1);
    EXPECT_EQ(id[0].offset, i + 1);
  }
}

TEST_F(StreamingTest, IdsNameEveryAssignedPartition) {
  const auto t = topic("allparts", 3);
  producer().produce(t, 1, R"({"p":1})");
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({t}, 3)}});
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  const auto id = id_positions(events[0].id);
  ASSERT_EQ(id.size(), 3u) << events[0].id;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(id[i].partition, static_cast<int>(i));
    // The partitions that delivered nothing say where they started.
    if (i != 1) {
      EXPECT_EQ(id[i].offset, 0);
    }
  }
  EXPECT_TRUE(id[1].timestamp.has_value());
  EXPECT_EQ(id[1].offset, 1);
}

TEST_F(StreamingTest, MessageThatIsNotJsonIsSkippedAndTheNextArrives) {
  const auto t = topic("invalid");
  producer().produce_many({{t, 0, "this is not json"}, {t, 0, "[1,2,3]"}, {t, 0, R"({"ok":1})"}});
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({t})}});
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].offset, 2);
  // The skipped messages count as progress: the id already points past them.
  const auto id = id_positions(events[0].id);
  ASSERT_EQ(id.size(), 1u) << events[0].id;
  EXPECT_EQ(id[0].offset, 3) << events[0].id;
  const auto metrics = get(server_->port(), "/metrics");
  EXPECT_NE(metrics.body.find("eventstreams_events_invalid_total 2"), std::string::npos)
      << metrics.body;
}

TEST_F(StreamingTest, NdjsonByAcceptHeader) {
  const auto t = topic("ndjson");
  producer().produce_many({{t, 0, R"({"n": 0})"}, {t, 0, R"({"n": 1})"}});
  start_server({{"s", {t}}});
  auto c =
      open("/v2/stream/s", {{"Accept", "application/json"}, {"Last-Event-ID", from_zero({t})}});
  EXPECT_EQ(c->status(), 200);
  EXPECT_EQ(c->header("Content-Type").value_or(""), "application/json; charset=utf-8");
  for (int i = 0; i < 2; ++i) {
    auto line = c->next_line(20s);
    ASSERT_TRUE(line.has_value()) << c->raw();
    EXPECT_EQ(*line, R"({"n":)" + std::to_string(i) + R"(,"meta":{"topic":")" + t +
                         R"(","partition":0,"offset":)" + std::to_string(i) + "}}");
  }
  EXPECT_EQ(c->raw().find(":ok"), std::string::npos);
}

TEST_F(StreamingTest, MessageKeyBecomesMetaKey) {
  const auto t = topic("key");
  producer().produce(t, 0, R"({"meta":{"id":"x","topic":"old"}})", std::string_view("the-key"));
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", from_zero({t})}});
  const auto events = read_events(*c, 1);
  ASSERT_EQ(events.size(), 1u);
  // Existing meta fields keep their place; missing ones are appended.
  EXPECT_EQ(events[0].data, R"({"meta":{"id":"x","topic":")" + t +
                                R"(","partition":0,"offset":0,"key":"the-key"}})");
}

TEST_F(StreamingTest, HeartbeatsOnIdleStreams) {
  const auto t = topic("heartbeat");
  start_server({{"s", {t}}}, "heartbeat_interval_ms: 200\n");
  auto sse = open_ready("/v2/stream/s");
  auto comment = sse->next_comment(5s);
  ASSERT_TRUE(comment.has_value());
  comment = sse->next_comment(5s);  // the first comment is "ok"
  ASSERT_TRUE(comment.has_value());
  EXPECT_EQ(*comment, "heartbeat");
  auto ndjson = open("/v2/stream/s", {{"Accept", "application/json"}});
  auto line = ndjson->next_line(5s);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(*line, "");  // an NDJSON heartbeat is an empty line
}

}  // namespace
}  // namespace eventstreams::testing
