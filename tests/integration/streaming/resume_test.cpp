// Resume (SPEC 2.1, issue 2): read part of a flow over 2 topics x 3 partitions, disconnect,
// reconnect with the last id, and receive exactly the rest: by timestamp (any cluster) and by
// exact offset (this cluster), without loss, and without duplicates where timestamps differ.
#include "streaming_fixture.h"

namespace eventstreams::testing {
namespace {

class Resume : public StreamingTest {
 protected:
  void SetUp() override {
    a_ = topic("resume-a", 3);
    b_ = topic("resume-b", 3);
    // 60 events over 6 partitions with distinct timestamps, all in the past.
    const std::int64_t base = now_ms() - 5 * 60 * 1000;
    std::vector<ProduceMessage> msgs;
    for (int i = 0; i < 60; ++i) {
      const std::string& t = i % 2 ? b_ : a_;
      msgs.push_back(
          {t, (i / 2) % 3, R"({"i":)" + std::to_string(i) + "}", std::nullopt, base + i * 10});
    }
    producer().produce_many(msgs);
    for (const auto& m : msgs) all_.insert(m.topic + "/" + std::to_string(m.partition));
    start_server({{"s", {a_, b_}}});
  }

  // Reads `n` events from the beginning and returns their keys and the last id.
  std::pair<std::set<std::string>, std::string> read_first(std::size_t n) {
    auto c = open_ready("/v2/stream/s?since=0");
    const auto events = read_events(*c, n);
    std::set<std::string> keys;
    for (const auto& e : events) EXPECT_TRUE(keys.insert(key_of(e)).second) << key_of(e);
    // The id of the last event handled (the client may have received more than it handled).
    std::string id = events.empty() ? "" : events.back().id;
    c->close();
    return {keys, id};
  }

  // Reads until 60 - seen events arrived, then expects quiet; returns keys (fails on dups).
  std::set<std::string> read_rest(const std::string& last_id, const std::set<std::string>& seen) {
    auto c = open_ready("/v2/stream/s", {{"Last-Event-ID", last_id}});
    const auto events = read_events(*c, 60 - seen.size());
    if (events.size() != 60 - seen.size()) {
      std::string got;
      for (const auto& e : events) got += key_of(e) + " ";
      ADD_FAILURE() << "resumed with " << last_id << "\nreceived " << got;
    }
    std::set<std::string> keys;
    for (const auto& e : events) {
      EXPECT_TRUE(keys.insert(key_of(e)).second) << "duplicate " << key_of(e);
      EXPECT_FALSE(seen.count(key_of(e))) << "already seen " << key_of(e);
    }
    expect_no_event(*c, 1000ms);
    return keys;
  }

  // The id in the original's form, only topic, partition and timestamp: what another
  // datacenter would honour (and what the original's clients send).
  static std::string timestamp_form(const std::string& id) {
    std::string out = "[";
    for (const auto& entry : id_positions(id)) {
      EXPECT_TRUE(entry.timestamp.has_value()) << id;
      if (out.size() > 1) out += ",";
      out += R"({"topic":")" + entry.topic + R"(","partition":)" + std::to_string(entry.partition) +
             R"(,"timestamp":)" + std::to_string(entry.timestamp.value_or(0)) + "}";
    }
    return out + "]";
  }

  std::string a_, b_;
  std::set<std::string> all_;
};

TEST_F(Resume, ByTimestampReceivesExactlyTheRest) {
  auto [seen, id] = read_first(25);
  ASSERT_EQ(seen.size(), 25u);
  const std::string ts_id = timestamp_form(id);
  ASSERT_EQ(ts_id.find("offset"), std::string::npos);
  const auto rest = read_rest(ts_id, seen);
  EXPECT_EQ(seen.size() + rest.size(), 60u);
}

TEST_F(Resume, ByExactOffsetOnTheSameCluster) {
  auto [seen, id] = read_first(25);
  ASSERT_NE(id.find("\"cluster\""), std::string::npos) << id;
  const auto rest = read_rest(id, seen);
  EXPECT_EQ(seen.size() + rest.size(), 60u);
}

TEST_F(Resume, ExactOffsetKeepsEventsThatShareAMillisecond) {
  const auto t = topic("same-ms");
  const std::int64_t ts = now_ms() - 60000;
  producer().produce_many({{t, 0, R"({"n":0})", std::nullopt, ts},
                           {t, 0, R"({"n":1})", std::nullopt, ts},
                           {t, 0, R"({"n":2})", std::nullopt, ts}});
  start_server({{"s", {t}}});
  auto c = open_ready("/v2/stream/s?since=0");
  const auto first = read_events(*c, 1);
  ASSERT_EQ(first.size(), 1u);
  c->close();
  // The id after offset 0 says timestamp ts+1, which by time alone would skip offsets 1 and 2;
  // with the cluster marker the exact offset resumes at 1.
  auto again = open_ready("/v2/stream/s", {{"Last-Event-ID", first[0].id}});
  const auto rest = read_events(*again, 2);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].offset, 1);
  EXPECT_EQ(rest[1].offset, 2);
}

// An EventSource reconnect near the head while the stream's live hub runs: what the client
// missed comes from the hub's recent events (no Kafka reader of its own), exactly.
TEST_F(Resume, ReconnectNearTheHeadIsServedFromTheLiveHub) {
  const auto t = topic("replay", 2);
  start_server({{"r", {t}}});
  auto watcher = open_ready("/v2/stream/r");  // keeps the live hub running
  auto c = open_ready("/v2/stream/r");
  std::vector<ProduceMessage> msgs;
  for (int i = 0; i < 10; ++i) {
    msgs.push_back({t, i % 2, R"({"i":)" + std::to_string(i) + "}", std::nullopt, now_ms()});
  }
  producer().produce_many(msgs);
  const auto first = read_events(*c, 4);
  ASSERT_EQ(first.size(), 4u);
  std::set<std::string> seen;
  for (const auto& e : first) seen.insert(key_of(e));
  c->close();
  ASSERT_EQ(read_events(*watcher, 10).size(), 10u);  // the hub has read them all

  auto again = open_ready("/v2/stream/r", {{"Last-Event-ID", first.back().id}});
  const auto rest = read_events(*again, 6);
  ASSERT_EQ(rest.size(), 6u);
  for (const auto& e : rest) EXPECT_TRUE(seen.insert(key_of(e)).second) << "again " << key_of(e);
  expect_no_event(*again, 1000ms);
  const std::string metrics = get(server_->port(), "/metrics").body;
  EXPECT_NE(metrics.find("\neventstreams_resumes_replayed_total 1\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("\neventstreams_source_readers 1\n"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace eventstreams::testing
