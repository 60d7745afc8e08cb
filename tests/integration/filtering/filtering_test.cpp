// Server-side filtering (SPEC 2.3) over real SSE from a real Kafka broker, with the filter
// plugin loaded and canary events dropped: only matching events arrive, their ids cover the
// events skipped on every partition, a filtered stream resumes exactly, bad filters are 400
// invalid_filter, and equal filters written differently share one transform.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "request/last_event_id.h"
#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/resume_id.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kPluginsYaml =
    "plugins: {transforms: [filter], config: {filter: {drop_canary: true}}}\n";
// The filter most tests use, and the same filter written in another order.
constexpr const char* kFilter = "meta.domain=*.wikipedia.org&type=edit&bot!=true";
constexpr const char* kFilterReordered = "bot!=true&type=edit&meta.domain=*.wikipedia.org";

// What the tests produce: a MediaWiki-like event.
struct Spec {
  std::string domain;
  std::string type;
  bool bot = false;
};

// Event i of a mix where about one in four passes kFilter, with canary events among them.
Spec spec_of(int i) {
  static const char* const kDomains[] = {"en.wikipedia.org", "de.wikipedia.org",
                                         "en.wiktionary.org", "canary", "www.wikidata.org"};
  static const char* const kTypes[] = {"edit", "log", "edit", "new"};
  return {kDomains[i % 5], kTypes[(i / 2) % 4], i % 3 == 0};
}

bool passes_filter(const Spec& s) {
  const std::string suffix = ".wikipedia.org";
  const bool wikipedia =
      s.domain.size() > suffix.size() &&
      s.domain.compare(s.domain.size() - suffix.size(), suffix.size(), suffix) == 0;
  return wikipedia && s.type == "edit" && !s.bot;
}

std::string payload(const Spec& s, int n) {
  return R"({"$schema":"/mediawiki/recentchange/1.0.1","meta":{"domain":")" + s.domain +
         R"(","stream":"mediawiki.recentchange"},"type":")" + s.type + R"(","bot":)" +
         (s.bot ? "true" : "false") + R"(,"n":)" + std::to_string(n) + "}";
}

ProduceMessage message(const std::string& topic, int partition, std::string value,
                       std::optional<std::int64_t> timestamp_ms = std::nullopt) {
  ProduceMessage m;
  m.topic = topic;
  m.partition = partition;
  m.value = std::move(value);
  m.timestamp_ms = timestamp_ms;
  return m;
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << "not JSON: " << text;
  return doc;
}

// One delivered event.
struct Received {
  std::string topic;
  int partition = -1;
  std::int64_t offset = -1;
  int n = -1;
  Spec spec;
  std::string id;
  std::string data;

  std::string key() const {
    return topic + "/" + std::to_string(partition) + "/" + std::to_string(offset);
  }
};

Received decode_payload(const std::string& data) {
  Received r;
  r.data = data;
  const auto doc = parse_json(data);
  if (!doc.IsObject()) return r;
  if (doc.HasMember("meta") && doc["meta"].IsObject()) {
    const auto& meta = doc["meta"];
    if (meta.HasMember("topic")) r.topic = meta["topic"].GetString();
    if (meta.HasMember("partition")) r.partition = meta["partition"].GetInt();
    if (meta.HasMember("offset")) r.offset = meta["offset"].GetInt64();
    if (meta.HasMember("domain")) r.spec.domain = meta["domain"].GetString();
  }
  if (doc.HasMember("type")) r.spec.type = doc["type"].GetString();
  if (doc.HasMember("bot")) r.spec.bot = doc["bot"].GetBool();
  if (doc.HasMember("n")) r.n = doc["n"].GetInt();
  return r;
}

// A counter's value in the /metrics text, 0 when absent.
std::uint64_t metric(const std::string& text, const std::string& series) {
  const std::string prefix = series + " ";
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    if (text.compare(pos, prefix.size(), prefix) == 0) {
      return std::stoull(text.substr(pos + prefix.size(), end - pos - prefix.size()));
    }
    pos = end + 1;
  }
  return 0;
}

const std::string kFilteredSeries = R"(eventstreams_filtered_events_total{reason="filter"})";
const std::string kCanarySeries = R"(eventstreams_filtered_events_total{reason="canary"})";

class Filtering : public ::testing::Test {
 protected:
  KafkaBroker& broker() { return KafkaBroker::shared(); }

  Producer& producer() {
    if (!producer_) producer_ = std::make_unique<Producer>(broker().bootstrap());
    return *producer_;
  }

  void start_server(const std::string& topic) {
    ServerConfig config;
    config.kafka_bootstrap = broker().bootstrap();
    config.streams = {{"s", {topic}}};
    config.extra_yaml = kPluginsYaml;
    server_ = std::make_unique<ServerProcess>(config);
  }

  // Produces `count` events of the mix, in the past, partition i % partitions; returns the
  // keys of those that pass kFilter.
  std::set<std::string> produce_mix(const std::string& topic, int partitions, int count) {
    const std::int64_t base = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count() -
                              10 * 60 * 1000;
    std::vector<ProduceMessage> msgs;
    for (int i = 0; i < count; ++i) {
      msgs.push_back(message(topic, i % partitions, payload(spec_of(i), i), base + i * 10));
    }
    const auto delivered = producer().produce_many_detailed(msgs);
    std::set<std::string> selected;
    for (int i = 0; i < count; ++i) {
      if (!passes_filter(spec_of(i))) continue;
      const auto& d = delivered[static_cast<std::size_t>(i)];
      selected.insert(topic + "/" + std::to_string(d.partition) + "/" + std::to_string(d.offset));
    }
    return selected;
  }

  std::unique_ptr<StreamClient> open_ready(const std::string& target, const Headers& headers = {}) {
    auto client = std::make_unique<StreamClient>(server_->port(), target, headers, 20s);
    EXPECT_EQ(client->status(), 200) << client->raw();
    EXPECT_TRUE(client->raw_until(":ok\n\n", 10s)) << client->raw();
    return client;
  }

  std::vector<Received> read_events(StreamClient& client, std::size_t n,
                                    std::chrono::milliseconds timeout = 20s) {
    std::vector<Received> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      auto e = client.next_event(left);
      if (!e) break;
      EXPECT_EQ(e->type(), "message") << e->data;
      Received r = decode_payload(e->data);
      r.id = e->id;
      out.push_back(std::move(r));
    }
    EXPECT_EQ(out.size(), n) << "server log:\n" << server_->log_text();
    return out;
  }

  void expect_no_event(StreamClient& client, std::chrono::milliseconds quiet = 1500ms) {
    auto e = client.next_event(quiet);
    EXPECT_FALSE(e.has_value()) << "unexpected event: " << (e ? e->data : "");
  }

  std::string metrics() { return get(server_->port(), "/metrics").body; }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(Filtering, OnlyMatchingEventsArriveWithIdsCoveringSkippedEvents) {
  const std::string t = broker().create_unique_topic("filter-e2e", 2);
  const std::set<std::string> selected = produce_mix(t, 2, 60);
  ASSERT_GE(selected.size(), 8u);
  start_server(t);

  auto c = open_ready(std::string("/v2/stream/s?since=0&") + kFilter);
  const auto events = read_events(*c, selected.size());
  std::set<std::string> got;
  for (const auto& e : events) {
    EXPECT_TRUE(passes_filter(e.spec)) << e.data;
    EXPECT_TRUE(got.insert(e.key()).second) << "duplicate " << e.key();
    // The id's own partition resumes right after the event.
    EXPECT_EQ(id_offset(e.id, t, e.partition), e.offset + 1) << e.id;
  }
  EXPECT_EQ(got, selected);
  expect_no_event(*c);

  // Events the filter skips still move their partition on: after non-matching events on
  // partition 1, a matching event on partition 0 carries an id whose partition-1 offset is
  // past them (once the reader has read them; a few matching events give it the time).
  std::vector<ProduceMessage> skipped;
  for (int i = 0; i < 5; ++i) {
    skipped.push_back(message(t, 1, payload({"en.wikipedia.org", "log", false}, 1000 + i)));
  }
  const auto skipped_offsets = producer().produce_many(skipped);
  const std::int64_t partition1_end = skipped_offsets.back() + 1;
  bool covered = false;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  for (int n = 2000; !covered && std::chrono::steady_clock::now() < deadline; ++n) {
    const std::int64_t offset =
        producer().produce(t, 0, payload({"en.wikipedia.org", "edit", false}, n));
    const auto next = read_events(*c, 1, 10s);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].partition, 0);
    EXPECT_EQ(next[0].offset, offset);
    const auto p1 = id_offset(next[0].id, t, 1);
    ASSERT_TRUE(p1) << next[0].id;
    EXPECT_LE(*p1, partition1_end);
    covered = *p1 == partition1_end;
  }
  EXPECT_TRUE(covered) << "no id ever covered the skipped events of partition 1";
  EXPECT_GE(metric(metrics(), kFilteredSeries), 5u);
}

TEST_F(Filtering, ResumeWithLastEventIdGivesExactlyTheRemainingMatches) {
  const std::string t = broker().create_unique_topic("filter-resume", 3);
  const std::set<std::string> selected = produce_mix(t, 3, 90);
  ASSERT_GE(selected.size(), 12u);
  start_server(t);

  const std::size_t first_count = selected.size() / 2;
  std::set<std::string> seen;
  std::string last_id;
  {
    auto c = open_ready(std::string("/v2/stream/s?since=0&") + kFilter);
    const auto events = read_events(*c, first_count);
    ASSERT_EQ(events.size(), first_count);
    for (const auto& e : events) {
      EXPECT_TRUE(passes_filter(e.spec)) << e.data;
      EXPECT_TRUE(seen.insert(e.key()).second) << "duplicate " << e.key();
    }
    last_id = events.back().id;
    c->close();
  }
  ASSERT_NE(last_id.find("\"offset\""), std::string::npos) << last_id;

  // The same filter, written in another order, resumed from the last id.
  auto again =
      open_ready(std::string("/v2/stream/s?") + kFilterReordered, {{"Last-Event-ID", last_id}});
  const auto rest = read_events(*again, selected.size() - first_count);
  std::set<std::string> all = seen;
  for (const auto& e : rest) {
    EXPECT_TRUE(passes_filter(e.spec)) << e.data;
    EXPECT_FALSE(seen.count(e.key())) << "already delivered before the reconnect: " << e.key();
    EXPECT_TRUE(all.insert(e.key()).second) << "duplicate " << e.key();
  }
  EXPECT_EQ(all, selected);
  expect_no_event(*again, 1000ms);
}

// The same near the head while the stream's live hub runs: the rest comes from the hub's
// recent events (no reader of its own), through the resumed client's filter.
TEST_F(Filtering, ResumeNearTheHeadReplaysOnlyTheMatches) {
  const std::string t = broker().create_unique_topic("filter-replay", 3);
  start_server(t);
  auto watcher = open_ready("/v2/stream/s");  // keeps the live hub running
  auto c = open_ready(std::string("/v2/stream/s?") + kFilter);
  const std::set<std::string> selected = produce_mix(t, 3, 90);
  ASSERT_GE(selected.size(), 12u);
  const std::size_t first_count = selected.size() / 2;
  const auto first = read_events(*c, first_count);
  ASSERT_EQ(first.size(), first_count);
  std::set<std::string> seen;
  for (const auto& e : first) seen.insert(e.key());
  c->close();
  // The hub has read them all once the watcher has every one but the canaries (one in five,
  // dropped for every client).
  ASSERT_EQ(read_events(*watcher, 72).size(), 72u);

  auto again = open_ready(std::string("/v2/stream/s?") + kFilterReordered,
                          {{"Last-Event-ID", first.back().id}});
  const auto rest = read_events(*again, selected.size() - first_count);
  for (const auto& e : rest) {
    EXPECT_TRUE(passes_filter(e.spec)) << e.data;
    EXPECT_TRUE(seen.insert(e.key()).second) << "again " << e.key();
  }
  EXPECT_EQ(seen, selected);
  expect_no_event(*again, 1000ms);
  EXPECT_EQ(metric(metrics(), "eventstreams_resumes_replayed_total"), 1u);
}

TEST_F(Filtering, BadFilterSyntaxIs400InvalidFilter) {
  const std::string t = broker().create_unique_topic("filter-bad", 1);
  start_server(t);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"type=", "\"type\""},          {"a..b=x", "\"a..b\""},
      {"bot!!=true", "\"bot!!\""},    {"type=%22edit", "unterminated quote"},
      {"a%20b=x", "\"a b\""},         {"type=edit,,log", "empty value"},
      {"=x", "empty parameter name"}, {"since=0&type=", "\"type\""},
  };
  for (const auto& [query, detail] : cases) {
    const std::string target = "/v2/stream/s?" + query;
    const HttpResponse r = get(server_->port(), target);
    EXPECT_EQ(r.status, 400) << target << "\n" << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json; charset=utf-8") << target;
    const auto doc = parse_json(r.body);
    ASSERT_TRUE(doc.IsObject()) << r.body;
    EXPECT_EQ(doc["status"].GetInt(), 400) << r.body;
    EXPECT_STREQ(doc["type"].GetString(), "invalid_filter") << r.body;
    EXPECT_STREQ(doc["title"].GetString(), "Invalid Filter") << r.body;
    EXPECT_NE(std::string(doc["detail"].GetString()).find(detail), std::string::npos)
        << target << ": " << r.body;
    EXPECT_EQ(std::string(doc["uri"].GetString()), target) << r.body;
  }
  // The server is still fine.
  auto c = open_ready("/v2/stream/s?type=edit");
  EXPECT_EQ(c->status(), 200);
}

TEST_F(Filtering, CanaryEventsAreNeverDelivered) {
  const std::string t = broker().create_unique_topic("filter-canary", 1);
  std::vector<ProduceMessage> msgs;
  std::set<int> expected_all;
  std::set<int> expected_edits;
  for (int i = 0; i < 12; ++i) {
    const Spec s{i % 2 ? "canary" : "en.wikipedia.org", i % 4 < 2 ? "edit" : "log", false};
    msgs.push_back(message(t, 0, payload(s, i)));
    if (s.domain == "canary") continue;
    expected_all.insert(i);
    if (s.type == "edit") expected_edits.insert(i);
  }
  producer().produce_many(msgs);
  start_server(t);

  // No filter: everything but the canaries.
  {
    auto c = open_ready("/v2/stream/s?since=0");
    std::set<int> got;
    for (const auto& e : read_events(*c, expected_all.size())) {
      EXPECT_NE(e.spec.domain, "canary") << e.data;
      got.insert(e.n);
    }
    EXPECT_EQ(got, expected_all);
    expect_no_event(*c, 1000ms);
  }
  // A filter the canary edits would match: still none of them.
  {
    auto c = open_ready("/v2/stream/s?since=0&type=edit");
    std::set<int> got;
    for (const auto& e : read_events(*c, expected_edits.size())) {
      EXPECT_NE(e.spec.domain, "canary") << e.data;
      got.insert(e.n);
    }
    EXPECT_EQ(got, expected_edits);
    expect_no_event(*c, 1000ms);
  }
  EXPECT_GE(metric(metrics(), kCanarySeries), 12u);  // 6 canaries, dropped for both clients
}

TEST_F(Filtering, NdjsonIsFilteredToo) {
  const std::string t = broker().create_unique_topic("filter-ndjson", 2);
  const std::set<std::string> selected = produce_mix(t, 2, 40);
  start_server(t);
  StreamClient c(server_->port(), std::string("/v2/stream/s?since=0&") + kFilter,
                 {{"Accept", "application/json"}}, 20s);
  ASSERT_EQ(c.status(), 200);
  std::set<std::string> got;
  while (got.size() < selected.size()) {
    const auto line = c.next_line(20s);
    ASSERT_TRUE(line) << "after " << got.size() << " events\n" << server_->log_text();
    if (line->empty()) continue;  // heartbeat
    const Received r = decode_payload(*line);
    EXPECT_TRUE(passes_filter(r.spec)) << *line;
    got.insert(r.key());
  }
  EXPECT_EQ(got, selected);
}

TEST_F(Filtering, SameFilterInAnotherOrderSharesOneTransform) {
  const std::string t = broker().create_unique_topic("filter-share", 1);
  start_server(t);
  auto a = open_ready(std::string("/v2/stream/s?") + kFilter);
  auto b = open_ready(std::string("/v2/stream/s?") + kFilterReordered);

  // A first matching event that both receive: from here on both are in the live hub.
  producer().produce(t, 0, payload({"en.wikipedia.org", "edit", false}, -1));
  ASSERT_EQ(read_events(*a, 1).size(), 1u);
  ASSERT_EQ(read_events(*b, 1).size(), 1u);
  const std::uint64_t filtered_before = metric(metrics(), kFilteredSeries);

  std::vector<ProduceMessage> msgs;
  std::size_t matching = 0;
  std::size_t rejected = 0;  // by the filter, not as canaries
  for (int i = 0; i < 30; ++i) {
    const Spec s = spec_of(i);
    msgs.push_back(message(t, 0, payload(s, i)));
    if (passes_filter(s)) {
      ++matching;
    } else if (s.domain != "canary") {
      ++rejected;
    }
  }
  // The last one matches, so once it arrived every event before it was judged.
  msgs.push_back(message(t, 0, payload({"de.wikipedia.org", "edit", false}, 30)));
  ++matching;
  producer().produce_many(msgs);

  const auto got_a = read_events(*a, matching);
  const auto got_b = read_events(*b, matching);
  ASSERT_EQ(got_a.size(), matching);
  ASSERT_EQ(got_b.size(), matching);
  for (std::size_t i = 0; i < matching; ++i) {
    EXPECT_EQ(got_a[i].key(), got_b[i].key());
    EXPECT_EQ(got_a[i].data, got_b[i].data);
    EXPECT_EQ(got_a[i].id, got_b[i].id);
  }
  // One shared transform judged each event once (two would have counted every rejection twice).
  EXPECT_EQ(metric(metrics(), kFilteredSeries) - filtered_before, rejected);
}

}  // namespace
}  // namespace eventstreams::testing
