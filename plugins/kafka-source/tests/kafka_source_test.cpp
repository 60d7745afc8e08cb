// The factory and its readers against librdkafka's mock cluster (no external broker).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "embedded_cluster.h"
#include "kafka_source_factory.h"
#include "mock_cluster_fixture.h"
#include "test_support.h"

namespace eventstreams::kafka {
namespace {

using namespace std::chrono_literals;
using Code = SourceStatus::Code;
using test::FakeHost;
using test::read_events;
using test::TestMessage;

constexpr int kTimeoutMs = 5000;
constexpr std::int16_t kFetchApiKey = 1;

std::unique_ptr<KafkaSourceFactory> make_factory(HostServices* host, const std::string& json) {
  PluginContext ctx;
  ctx.config_json = json;
  ctx.host = host;
  std::string error;
  auto f = KafkaSourceFactory::create(ctx, error);
  EXPECT_TRUE(f) << error;
  return f;
}

std::string create_error(const std::string& json) {
  PluginContext ctx;
  ctx.config_json = json;
  std::string error;
  EXPECT_FALSE(KafkaSourceFactory::create(ctx, error));
  return error;
}

StartSpec spec(const std::string& topic, std::int32_t partition, StartSpec::Kind kind,
               std::int64_t value = 0) {
  StartSpec s;
  s.topic = topic;
  s.partition = partition;
  s.kind = kind;
  s.value = value;
  return s;
}

StartPosition at(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  StartPosition p;
  p.topic = topic;
  p.partition = partition;
  p.offset = offset;
  return p;
}

// The mock cluster of the suite (mock_cluster_fixture.h) and a fresh factory per test.
class MockClusterTest : public test::MockClusterFixture {
 protected:
  void SetUp() override {
    make_topics("t");
    if (HasFatalFailure()) return;
    factory_ = make_factory(&host_, test::broker_config(bootstrap()));
    ASSERT_TRUE(factory_);
    ASSERT_TRUE(factory_->start({t1_, t2_}).ok());
  }
  void TearDown() override { factory_.reset(); }

  // N messages into t1/0 with keys on even offsets and timestamps 1700000000000 + i.
  std::vector<TestMessage> fill_t1(int n) {
    std::vector<TestMessage> msgs;
    for (int i = 0; i < n; ++i) {
      TestMessage m;
      m.partition = 0;
      if (i % 2 == 0) m.key = "key-" + std::to_string(i);
      m.value = R"({"n":)" + std::to_string(i) + "}";
      m.timestamp = 1'700'000'000'000 + i;
      msgs.push_back(m);
    }
    EXPECT_EQ(test::produce(bootstrap(), t1_, msgs), 0);
    return msgs;
  }

  FakeHost host_;
  std::unique_ptr<KafkaSourceFactory> factory_;
};

TEST(KafkaSourceFactoryConfig, MissingBrokersFail) {
  const std::string error = create_error(R"({"kafka":{}})");
  EXPECT_NE(error.find("bootstrap.servers"), std::string::npos) << error;
}

TEST(KafkaSourceFactoryConfig, UnknownPropertyFailsNamingIt) {
  const std::string error =
      create_error(R"({"kafka":{"bootstrap.servers":"127.0.0.1:1","no.such.thing":"x"}})");
  EXPECT_NE(error.find("no.such.thing"), std::string::npos) << error;
}

TEST(KafkaSourceFactoryConfig, InvalidValueFailsNamingIt) {
  const std::string error =
      create_error(R"({"kafka":{"bootstrap.servers":"127.0.0.1:1","fetch.wait.max.ms":"later"}})");
  EXPECT_NE(error.find("fetch.wait.max.ms"), std::string::npos) << error;
}

TEST(KafkaSourceFactoryConfig, WrongJsonTypesFail) {
  EXPECT_FALSE(create_error(R"({"kafka":[]})").empty());
  EXPECT_FALSE(create_error(R"({"kafka":{"embedded":"maybe"}})").empty());
  EXPECT_FALSE(create_error(R"({"kafka":{"bootstrap.servers":["a","b"]}})").empty());
  EXPECT_FALSE(create_error("{").empty());
}

TEST(KafkaSourceFactoryEmbedded, StartCreatesTopicsThatDescribeSees) {
  FakeHost host;
  auto f = make_factory(
      &host,
      R"({"kafka":{"embedded":true,"embedded_events_per_second":0,"embedded_partitions":3}})");
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->embedded_bootstrap_servers().empty());
  std::vector<TopicPartitions> out;
  EXPECT_EQ(f->describe({"a"}, out, kTimeoutMs).code, Code::kTopicNotFound);
  ASSERT_TRUE(f->start({"a", "b", "a"}).ok());
  const SourceStatus s = f->describe({"a", "b"}, out, kTimeoutMs);
  ASSERT_TRUE(s.ok()) << s.message;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].topic, "a");
  EXPECT_EQ(out[0].partitions, 3);
  EXPECT_EQ(out[1].topic, "b");
  EXPECT_EQ(out[1].partitions, 3);
  EXPECT_TRUE(f->healthy(kTimeoutMs));
  EXPECT_FALSE(f->cluster_id().empty());
  EXPECT_FALSE(f->start({"a"}).ok());  // once only
  EXPECT_EQ(f->demo_events_produced(), 0u);
}

TEST_F(MockClusterTest, DescribeReportsPartitionCounts) {
  std::vector<TopicPartitions> out;
  const SourceStatus s = factory_->describe({t2_, t1_}, out, kTimeoutMs);
  ASSERT_TRUE(s.ok()) << s.message;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].topic, t2_);
  EXPECT_EQ(out[0].partitions, 2);
  EXPECT_EQ(out[1].partitions, 1);
}

TEST_F(MockClusterTest, DescribeNamesTheFirstMissingTopic) {
  std::vector<TopicPartitions> out;
  const SourceStatus s = factory_->describe({t1_, "nope", "nope2"}, out, kTimeoutMs);
  EXPECT_EQ(s.code, Code::kTopicNotFound);
  EXPECT_NE(s.message.find("nope"), std::string::npos) << s.message;
  EXPECT_EQ(s.message.find("nope2"), std::string::npos) << s.message;
  // Asking did not create it (allow.auto.create.topics=false).
  EXPECT_EQ(factory_->describe({"nope"}, out, kTimeoutMs).code, Code::kTopicNotFound);
}

TEST_F(MockClusterTest, DescribeCachesFoundTopics) {
  // The factory's own cache: the topic vanishes from metadata but stays known for a while.
  std::vector<TopicPartitions> out;
  ASSERT_TRUE(factory_->describe({t1_}, out, kTimeoutMs).ok());
  rd_kafka_mock_topic_set_error(cluster_->mock(), t1_.c_str(),
                                RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
  EXPECT_TRUE(factory_->describe({t1_}, out, kTimeoutMs).ok());
  // A fresh factory asks the cluster.
  auto fresh = make_factory(&host_, test::broker_config(bootstrap()));
  EXPECT_EQ(fresh->describe({t1_}, out, kTimeoutMs).code, Code::kTopicNotFound);
  rd_kafka_mock_topic_set_error(cluster_->mock(), t1_.c_str(), RD_KAFKA_RESP_ERR_NO_ERROR);
}

TEST_F(MockClusterTest, ResolveLatestEarliestAndOffsets) {
  fill_t1(5);
  using K = StartSpec::Kind;
  const std::vector<StartSpec> specs = {
      spec(t1_, 0, K::kLatest),     spec(t1_, 0, K::kEarliest),   spec(t1_, 0, K::kOffset, 2),
      spec(t1_, 0, K::kOffset, 99), spec(t1_, 0, K::kOffset, -1), spec(t1_, 0, K::kOffset, -2),
      spec(t1_, 0, K::kOffset, 5),  spec(t2_, 1, K::kLatest),
  };
  std::vector<StartPosition> out;
  const SourceStatus s = factory_->resolve(specs, out, kTimeoutMs);
  ASSERT_TRUE(s.ok()) << s.message;
  ASSERT_EQ(out.size(), specs.size());
  const std::int64_t expected[] = {5, 0, 2, 5, 5, 0, 5, 0};
  for (std::size_t i = 0; i < specs.size(); ++i) {
    EXPECT_EQ(out[i].topic, specs[i].topic) << i;
    EXPECT_EQ(out[i].partition, specs[i].partition) << i;
    EXPECT_EQ(out[i].offset, expected[i]) << i;
    EXPECT_FALSE(out[i].truncated) << i;  // the mock never deletes: low watermark 0
  }
}

TEST_F(MockClusterTest, TimestampWithoutAnswerResolvesToTheEnd) {
  fill_t1(3);
  std::vector<StartPosition> out;
  // The mock answers offsetsForTimes with -1 (none): that means the end.
  const SourceStatus s = factory_->resolve(
      {spec(t1_, 0, StartSpec::Kind::kTimestamp, 1'700'000'000'001),
       spec(t2_, 0, StartSpec::Kind::kTimestamp, 1), spec(t1_, 0, StartSpec::Kind::kEarliest)},
      out, kTimeoutMs);
  ASSERT_TRUE(s.ok()) << s.message;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].offset, 3);
  EXPECT_EQ(out[1].offset, 0);
  EXPECT_EQ(out[2].offset, 0);
}

TEST_F(MockClusterTest, ResolveUnknownPartitionFails) {
  std::vector<StartPosition> out;
  const SourceStatus s = factory_->resolve({spec(t1_, 7, StartSpec::Kind::kLatest)}, out, 2000);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message.find(t1_ + "/7"), std::string::npos) << s.message;
}

TEST_F(MockClusterTest, ReaderDeliversEveryEventInOrder) {
  const auto msgs = fill_t1(20);
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory_->open({at(t1_, 0, 0)}, reader).ok());
  ASSERT_TRUE(reader);
  EXPECT_GE(reader->notify_fd(), 0);
  const auto r = read_events(*reader, 20, 10s, 7);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  ASSERT_EQ(r.events.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    const auto& e = r.events[i];
    EXPECT_EQ(e.topic, t1_);
    EXPECT_EQ(e.partition, 0);
    EXPECT_EQ(e.offset, i);
    EXPECT_EQ(e.timestamp, msgs[i].timestamp);
    EXPECT_EQ(e.has_key, msgs[i].key.has_value());
    EXPECT_EQ(e.key, msgs[i].key.value_or(""));
    EXPECT_EQ(e.value, msgs[i].value);
  }
  // Nothing more arrives.
  EventBatch batch;
  EXPECT_TRUE(reader->poll(batch, 100).ok());
  EXPECT_TRUE(batch.events.empty());
}

// With a prefetch queue of 64 KB (about 70 events) the fetcher stops again and again, and the
// reader re-arms it (a seek to its next offset) each time it drains the queue: nothing may be
// lost or repeated, on either partition.
TEST_F(MockClusterTest, ReaderWithATinyQueueDeliversEveryEventOnceInOrder) {
  auto small =
      make_factory(&host_, test::broker_config(bootstrap(), R"("queued.max.messages.kbytes":64)"));
  ASSERT_TRUE(small);
  ASSERT_TRUE(small->start({t2_}).ok());
  const std::string padding(900, 'x');
  std::vector<TestMessage> msgs;
  for (int i = 0; i < 3000; ++i) {
    TestMessage m;
    m.partition = i % 2;
    m.value = R"({"n":)" + std::to_string(i) + R"(,"pad":")" + padding + "\"}";
    msgs.push_back(m);
  }
  ASSERT_EQ(test::produce(bootstrap(), t2_, msgs), 0);
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(small->open({at(t2_, 0, 0), at(t2_, 1, 0)}, reader).ok());
  const auto r = read_events(*reader, 3000, 60s, 256);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  ASSERT_EQ(r.events.size(), 3000u);
  std::int64_t next[2] = {0, 0};
  for (const auto& e : r.events) {
    ASSERT_TRUE(e.partition == 0 || e.partition == 1);
    ASSERT_EQ(e.offset, next[e.partition]) << "partition " << e.partition;
    ++next[e.partition];
    const int n = static_cast<int>(e.offset * 2 + e.partition);
    ASSERT_EQ(e.value, msgs[n].value);
  }
  EventBatch batch;
  EXPECT_TRUE(reader->poll(batch, 100).ok());
  EXPECT_TRUE(batch.events.empty());
}

TEST_F(MockClusterTest, ReaderStartsAtTheAssignedOffset) {
  fill_t1(10);
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory_->open({at(t1_, 0, 6)}, reader).ok());
  const auto r = read_events(*reader, 4, 10s);
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.events.front().offset, 6);
  EXPECT_EQ(r.events.back().offset, 9);
}

TEST_F(MockClusterTest, ReaderFollowsNewEvents) {
  fill_t1(2);
  std::vector<StartPosition> positions;
  ASSERT_TRUE(
      factory_->resolve({spec(t1_, 0, StartSpec::Kind::kLatest)}, positions, kTimeoutMs).ok());
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory_->open(positions, reader).ok());
  // Drain the initial wake-up; nothing is there yet.
  auto r = read_events(*reader, 1, 200ms);
  EXPECT_TRUE(r.events.empty());
  ASSERT_EQ(test::produce(bootstrap(), t1_, {TestMessage{0, "k", "live", 0}}), 0);
  r = read_events(*reader, 1, 10s);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].offset, 2);
  EXPECT_EQ(r.events[0].value, "live");
  EXPECT_GT(r.events[0].timestamp, 1'700'000'000'000);  // producer clock
}

TEST_F(MockClusterTest, ReaderCoversTopicsAndPartitionsWithAStableTopicTable) {
  fill_t1(3);
  ASSERT_EQ(
      test::produce(bootstrap(), t2_,
                    {TestMessage{0, std::nullopt, "a", 0}, TestMessage{1, std::nullopt, "b", 0},
                     TestMessage{1, std::nullopt, "c", 0}}),
      0);
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory_->open({at(t2_, 0, 0), at(t2_, 1, 0), at(t1_, 0, 0)}, reader).ok());
  EventBatch batch;
  batch.topics = {"other", t1_};  // a table that already has entries stays valid
  std::size_t got = 0;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::vector<std::string> seen;
  while (got < 6 && std::chrono::steady_clock::now() < deadline) {
    batch.clear();
    ASSERT_TRUE(reader->poll(batch, 100).ok());
    for (const auto& e : batch.events) {
      ASSERT_LT(e.topic, batch.topics.size());
      seen.push_back(std::string(batch.topic(e)) + "/" + std::to_string(e.partition) + "/" +
                     std::string(batch.value(e)));
    }
    got += batch.events.size();
    if (batch.events.empty()) {
      pollfd p{reader->notify_fd(), POLLIN, 0};
      ::poll(&p, 1, 100);
      std::uint64_t v;
      (void)!::read(p.fd, &v, sizeof v);
    }
  }
  ASSERT_EQ(got, 6u);
  EXPECT_EQ(batch.topics.size(), 3u);
  EXPECT_EQ(batch.topics[0], "other");
  EXPECT_EQ(batch.topics[1], t1_);
  EXPECT_EQ(batch.topics[2], t2_);
  std::sort(seen.begin(), seen.end());
  const std::vector<std::string> expected = {t1_ + R"(/0/{"n":0})", t1_ + R"(/0/{"n":1})",
                                             t1_ + R"(/0/{"n":2})", t2_ + "/0/a",
                                             t2_ + "/1/b",          t2_ + "/1/c"};
  EXPECT_EQ(seen, expected);
}

TEST_F(MockClusterTest, PollNeverReturnsMoreThanMax) {
  fill_t1(30);
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory_->open({at(t1_, 0, 0)}, reader).ok());
  const auto r = read_events(*reader, 30, 10s, 4);
  ASSERT_EQ(r.events.size(), 30u);
  EXPECT_GE(r.polls, 8u);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(r.events[i].offset, i);
}

TEST_F(MockClusterTest, OffsetBeyondTheEndGoesToTheEnd) {
  fill_t1(3);
  std::unique_ptr<SourceReader> reader;
  // Bypasses resolve(): as if retention or a race moved the range after resolving.
  ASSERT_TRUE(factory_->open({at(t1_, 0, 1000)}, reader).ok());
  // The reset to the end happens asynchronously; keep producing until one event arrives.
  test::ReadResult r;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (r.events.empty() && std::chrono::steady_clock::now() < deadline) {
    ASSERT_EQ(test::produce(bootstrap(), t1_, {TestMessage{0, std::nullopt, "after", 0}}), 0);
    r = read_events(*reader, 1, 300ms);
    ASSERT_TRUE(r.status.ok()) << r.status.message;
  }
  ASSERT_FALSE(r.events.empty());
  EXPECT_GE(r.events[0].offset, 3);
  EXPECT_EQ(r.events[0].value, "after");
}

TEST_F(MockClusterTest, FatalFetchErrorEndsTheStream) {
  fill_t1(2);
  const std::vector<rd_kafka_resp_err_t> errors(50, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  rd_kafka_mock_push_request_errors_array(cluster_->mock(), kFetchApiKey, errors.size(),
                                          errors.data());
  struct ClearErrors {
    ~ClearErrors() { rd_kafka_mock_clear_request_errors(cluster_->mock(), kFetchApiKey); }
  } clear_errors;
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory_->open({at(t1_, 0, 0)}, reader).ok());
  const auto r = read_events(*reader, 100, 10s);
  ASSERT_FALSE(r.status.ok());
  EXPECT_NE(r.status.message.find("TOPIC_AUTHORIZATION_FAILED"), std::string::npos)
      << r.status.message;
  // Sticky.
  EventBatch batch;
  EXPECT_FALSE(reader->poll(batch, 10).ok());
}

TEST_F(MockClusterTest, OpenReadersCountsLiveReadersAndDestroyIsCheap) {
  EXPECT_EQ(factory_->open_readers(), 0u);
  std::vector<std::unique_ptr<SourceReader>> readers(3);
  for (auto& r : readers) ASSERT_TRUE(factory_->open({at(t1_, 0, 0)}, r).ok());
  EXPECT_EQ(factory_->open_readers(), 3u);
  const auto t0 = std::chrono::steady_clock::now();
  readers.clear();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(factory_->open_readers(), 0u);
  EXPECT_LT(took, 100ms) << "destroying 3 readers took "
                         << std::chrono::duration_cast<std::chrono::microseconds>(took).count()
                         << " us";
}

TEST_F(MockClusterTest, OpenWithoutPositionsFails) {
  std::unique_ptr<SourceReader> reader;
  EXPECT_EQ(factory_->open({}, reader).code, Code::kError);
  EXPECT_FALSE(reader);
  EXPECT_EQ(factory_->open_readers(), 0u);
}

TEST_F(MockClusterTest, HealthyAndClusterId) {
  EXPECT_TRUE(factory_->healthy(kTimeoutMs));
  const std::string id = factory_->cluster_id();
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(factory_->cluster_id(), id);
}

TEST(KafkaSourceFactoryUnreachable, RequestsFailWithinTheirBound) {
  FakeHost host;
  // Port 1 on localhost: connection refused.
  auto f = make_factory(&host, R"({"kafka":{"bootstrap.servers":"127.0.0.1:1"}})");
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->start({"t"}).ok());  // non-embedded: nothing to check up front
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<TopicPartitions> topics;
  const SourceStatus d = f->describe({"t"}, topics, 300);
  EXPECT_TRUE(d.code == Code::kTimeout || d.code == Code::kUnavailable) << d.message;
  std::vector<StartPosition> out;
  const SourceStatus r = f->resolve({spec("t", 0, StartSpec::Kind::kLatest)}, out, 300);
  EXPECT_TRUE(r.code == Code::kTimeout || r.code == Code::kUnavailable) << r.message;
  EXPECT_FALSE(f->healthy(300));
  EXPECT_EQ(f->cluster_id(), "");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  // A reader can be opened (it keeps retrying) and released.
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(f->open({at("t", 0, 0)}, reader).ok());
  EventBatch batch;
  EXPECT_TRUE(reader->poll(batch, 10).ok());
  reader.reset();
  EXPECT_EQ(f->open_readers(), 0u);
  const auto t1 = std::chrono::steady_clock::now();
  f.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t1,
            std::chrono::milliseconds(KafkaSourceFactory::kShutdownBoundMs + 1000));
}

TEST(KafkaSourceFactoryEmbedded, DemoFeedProducesFixtureShapedEvents) {
  FakeHost host;
  auto f = make_factory(&host, R"({"kafka":{"embedded":true,"embedded_events_per_second":300,)"
                               R"("embedded_partitions":2,"fetch.wait.max.ms":10}})");
  ASSERT_TRUE(f);
  const std::vector<std::string> topics = {"eqiad.mediawiki.recentchange",
                                           "eqiad.mediawiki.revision-create",
                                           "eqiad.mediawiki.page_change.v1"};
  ASSERT_TRUE(f->start(topics).ok());
  std::vector<StartSpec> specs;
  for (const auto& t : topics) {
    for (int p = 0; p < 2; ++p) specs.push_back(spec(t, p, StartSpec::Kind::kEarliest));
  }
  std::vector<StartPosition> positions;
  const SourceStatus s = f->resolve(specs, positions, kTimeoutMs);
  ASSERT_TRUE(s.ok()) << s.message;
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(f->open(positions, reader).ok());
  // Each partition's backlog comes in its own fetch: read until every topic showed up.
  std::vector<test::ReadEvent> events;
  std::set<std::string> topics_seen;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while ((events.size() < 60 || topics_seen.size() < 3) &&
         std::chrono::steady_clock::now() < deadline) {
    const auto r = read_events(*reader, 60, 1s);
    ASSERT_TRUE(r.status.ok()) << r.status.message;
    for (const auto& e : r.events) {
      topics_seen.insert(e.topic);
      events.push_back(e);
    }
  }
  ASSERT_GE(events.size(), 60u);
  for (const auto& e : events) {
    EXPECT_FALSE(e.has_key);
    rapidjson::Document doc;
    doc.Parse(e.value.c_str(), e.value.size());
    ASSERT_FALSE(doc.HasParseError()) << e.value;
    ASSERT_TRUE(doc.IsObject());
    ASSERT_TRUE(doc.HasMember("meta") && doc["meta"].HasMember("domain")) << e.value;
    ASSERT_TRUE(doc["meta"]["dt"].IsString());
    const std::string schema = doc["$schema"].GetString();
    if (e.topic == topics[0]) {
      EXPECT_EQ(schema, "/mediawiki/recentchange/1.0.1");
      EXPECT_TRUE(doc["title"].IsString());
    } else if (e.topic == topics[1]) {
      EXPECT_EQ(schema, "/mediawiki/revision/create/2.0.0");
      EXPECT_TRUE(doc["page_title"].IsString());
    } else {
      EXPECT_EQ(schema, "/mediawiki/page/change/1.2.0");
      EXPECT_TRUE(doc["page"]["page_title"].IsString());
    }
  }
  EXPECT_EQ(topics_seen.size(), 3u);
  EXPECT_GT(f->demo_events_produced(), 0u);
  reader.reset();
  const auto t0 = std::chrono::steady_clock::now();
  f.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0,
            std::chrono::milliseconds(KafkaSourceFactory::kShutdownBoundMs + 1000));
}

}  // namespace
}  // namespace eventstreams::kafka
