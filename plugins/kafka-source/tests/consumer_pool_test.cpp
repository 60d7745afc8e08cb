// Readers on pooled consumers (kafka.consumer_pool_size), against librdkafka's mock cluster: a
// reused consumer delivers exactly from the new reader's positions, never what the previous
// reader had queued; the pool keeps at most its bound; the counters move.
#include "consumer_pool.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client_config.h"
#include "embedded_cluster.h"
#include "handle_reaper.h"
#include "kafka_source_factory.h"
#include "mock_cluster_fixture.h"
#include "test_support.h"

namespace eventstreams::kafka {
namespace {

using namespace std::chrono_literals;
using test::FakeHost;
using test::read_events;
using test::TestMessage;

const std::string kCreated = "eventstreams_kafka_consumers_created_total{}";
const std::string kReused = "eventstreams_kafka_consumers_reused_total{}";
const std::string kIdle = "eventstreams_kafka_consumers_idle{}";
const std::string kExpired = "eventstreams_kafka_consumers_expired_total{}";
constexpr std::int16_t kFetchApiKey = 1;

StartPosition at(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  StartPosition p;
  p.topic = topic;
  p.partition = partition;
  p.offset = offset;
  return p;
}

// Waits for a condition that the reaper thread makes true (no bound on how soon: the deadline
// only keeps a broken build from hanging).
bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Established TCP connections of this process (the mock brokers run in it too) whose remote
// end is one of the brokers of `bootstrap` ("127.0.0.1:p1,127.0.0.1:p2,..."): the clients'
// side of each broker connection, counted once.
std::size_t broker_connections(const std::string& bootstrap) {
  std::set<unsigned> ports;
  std::stringstream list(bootstrap);
  for (std::string broker; std::getline(list, broker, ',');) {
    ports.insert(static_cast<unsigned>(std::stoul(broker.substr(broker.rfind(':') + 1))));
  }
  std::size_t n = 0;
  std::ifstream tcp("/proc/self/net/tcp");
  std::string line;
  std::getline(tcp, line);  // the header
  while (std::getline(tcp, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const unsigned port =
        static_cast<unsigned>(std::stoul(remote.substr(remote.find(':') + 1), nullptr, 16));
    if (state == "01" && ports.count(port) != 0) ++n;
  }
  return n;
}

class ConsumerPoolTest : public test::MockClusterFixture {
 protected:
  void SetUp() override { make_topics("p"); }
  void TearDown() override { factory_.reset(); }

  void make_factory(int pool_size, const std::string& extra = "") {
    PluginContext ctx;
    ctx.config_json = test::broker_config(cluster_->bootstrap_servers(),
                                          R"("consumer_pool_size":)" + std::to_string(pool_size) +
                                              (extra.empty() ? "" : ",") + extra);
    ctx.host = &host_;
    std::string error;
    factory_ = KafkaSourceFactory::create(ctx, error);
    ASSERT_TRUE(factory_) << error;
    ASSERT_TRUE(factory_->start({t1_, t2_}).ok());
  }

  // `n` events into `topic`/`partition`, values "<topic>/<partition>/<i>" from `first`.
  void fill(const std::string& topic, std::int32_t partition, int first, int n) {
    std::vector<TestMessage> msgs;
    for (int i = first; i < first + n; ++i) {
      msgs.push_back(TestMessage{partition, std::nullopt,
                                 topic + "/" + std::to_string(partition) + "/" + std::to_string(i),
                                 0});
    }
    ASSERT_EQ(test::produce(cluster_->bootstrap_servers(), topic, msgs), 0);
  }

  std::unique_ptr<SourceReader> open(const std::vector<StartPosition>& positions) {
    std::unique_ptr<SourceReader> reader;
    const SourceStatus s = factory_->open(positions, reader);
    EXPECT_TRUE(s.ok()) << s.message;
    return reader;
  }

  // Polls `reader` (waiting on its fd) until it delivered at least `want` events, `max` at a
  // time, and stops there: whatever else was fetched stays in its queue.
  static std::vector<test::ReadEvent> take_some(SourceReader& reader, std::size_t want,
                                                std::size_t max) {
    std::vector<test::ReadEvent> events;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    EventBatch batch;
    while (events.size() < want && std::chrono::steady_clock::now() < deadline) {
      batch.clear();
      EXPECT_TRUE(reader.poll(batch, max).ok());
      for (const auto& e : batch.events) {
        events.push_back({std::string(batch.topic(e)), e.partition, e.offset, e.timestamp,
                          e.has_key, std::string(batch.key(e)), std::string(batch.value(e))});
      }
      if (batch.events.empty()) {
        pollfd p{reader.notify_fd(), POLLIN, 0};
        ::poll(&p, 1, 100);
        std::array<char, 8> buf{};
        while (::read(p.fd, buf.data(), buf.size()) > 0) {
        }
      }
    }
    return events;
  }

  FakeHost host_;
  std::unique_ptr<KafkaSourceFactory> factory_;
};

// Reader A reads a little of t1/0 and t2/0 and leaves the rest of its prefetch queued; reader
// B gets A's consumer for t1/0 from another offset and t2/1: it must deliver exactly from its
// own positions, nothing of A's queue, nothing of t2/0.
TEST_F(ConsumerPoolTest, AReusedConsumerDeliversExactlyFromTheNewPositions) {
  make_factory(1);
  fill(t1_, 0, 0, 40);
  fill(t2_, 0, 0, 20);
  fill(t2_, 1, 0, 10);

  auto a = open({at(t1_, 0, 0), at(t2_, 0, 0)});
  ASSERT_TRUE(a);
  const auto first = take_some(*a, 3, 3);
  // A's consumer has more fetched than it delivered (one fetch brings the whole backlog).
  ASSERT_GE(first.size(), 3u);
  a.reset();
  ASSERT_TRUE(eventually([&] { return factory_->idle_consumers() == 1; }));
  EXPECT_EQ(host_.gauge_value(kIdle), 1);

  auto b = open({at(t1_, 0, 25), at(t2_, 1, 4)});
  ASSERT_TRUE(b);
  EXPECT_EQ(host_.value(kCreated), 1u);
  EXPECT_EQ(host_.value(kReused), 1u);
  EXPECT_EQ(factory_->idle_consumers(), 0u);
  const auto r = read_events(*b, 15 + 6, 30s);
  ASSERT_TRUE(r.status.ok()) << r.status.message;
  ASSERT_EQ(r.events.size(), 21u);
  std::int64_t next_t1 = 25, next_t2 = 4;
  for (const auto& e : r.events) {
    if (e.topic == t1_) {
      ASSERT_EQ(e.partition, 0);
      ASSERT_EQ(e.offset, next_t1) << e.value;
      EXPECT_EQ(e.value, t1_ + "/0/" + std::to_string(next_t1));
      ++next_t1;
    } else {
      ASSERT_EQ(e.topic, t2_) << e.value;
      ASSERT_EQ(e.partition, 1) << e.value;  // never A's t2/0
      ASSERT_EQ(e.offset, next_t2) << e.value;
      ++next_t2;
    }
  }
  EXPECT_EQ(next_t1, 40);
  EXPECT_EQ(next_t2, 10);
  // Nothing more: no late message of A's assignment.
  const auto more = read_events(*b, 1, 300ms);
  EXPECT_TRUE(more.events.empty())
      << more.events.front().topic << "/" << more.events.front().offset;

  // Back to A's other partition, from an earlier offset than anything B saw there.
  b.reset();
  ASSERT_TRUE(eventually([&] { return factory_->idle_consumers() == 1; }));
  auto c = open({at(t2_, 0, 1)});
  ASSERT_TRUE(c);
  EXPECT_EQ(host_.value(kCreated), 1u);
  EXPECT_EQ(host_.value(kReused), 2u);
  const auto rc = read_events(*c, 19, 30s);
  ASSERT_EQ(rc.events.size(), 19u);
  for (std::size_t i = 0; i < rc.events.size(); ++i) {
    EXPECT_EQ(rc.events[i].topic, t2_);
    EXPECT_EQ(rc.events[i].partition, 0);
    EXPECT_EQ(rc.events[i].offset, static_cast<std::int64_t>(i + 1));
  }
}

// The previous reader saw t1/0 end at 10; five more events came since. A reader reusing its
// consumer from offset 10 is not at the head (the cached end of 10 is the old reader's) until
// it delivered them.
TEST_F(ConsumerPoolTest, AReusedConsumerIsNotAtTheHeadOnTheOldReadersEnd) {
  make_factory(1);
  fill(t1_, 0, 0, 10);
  auto a = open({at(t1_, 0, 0)});
  ASSERT_TRUE(a);
  ASSERT_EQ(read_events(*a, 10, 30s).events.size(), 10u);
  ASSERT_TRUE(eventually([&] { return a->at_head(); }));
  a.reset();
  ASSERT_TRUE(eventually([&] { return factory_->idle_consumers() == 1; }));
  fill(t1_, 0, 10, 5);

  auto b = open({at(t1_, 0, 10)});
  ASSERT_TRUE(b);
  EXPECT_EQ(host_.value(kReused), 1u);
  EXPECT_FALSE(b->at_head());
  std::vector<PartitionLag> lag;
  b->lag(lag);
  ASSERT_EQ(lag.size(), 1u);  // the end asked of the broker at open
  EXPECT_EQ(lag[0].lag, 5);
  const auto r = read_events(*b, 5, 30s);
  ASSERT_EQ(r.events.size(), 5u);
  EXPECT_EQ(r.events.front().offset, 10);
  EXPECT_TRUE(eventually([&] { return b->at_head(); }));

  // Starting right at the end of a quiet partition on a reused consumer: at the head without
  // waiting for an event.
  b.reset();
  ASSERT_TRUE(eventually([&] { return factory_->idle_consumers() == 1; }));
  auto c = open({at(t1_, 0, 15)});
  ASSERT_TRUE(c);
  EXPECT_EQ(host_.value(kReused), 2u);
  EXPECT_TRUE(eventually([&] { return c->at_head(); }));
}

TEST_F(ConsumerPoolTest, ThePoolKeepsAtMostItsBound) {
  make_factory(2);
  std::vector<std::unique_ptr<SourceReader>> readers;
  for (int i = 0; i < 4; ++i) readers.push_back(open({at(t1_, 0, 0)}));
  EXPECT_EQ(host_.value(kCreated), 4u);
  EXPECT_EQ(host_.value(kReused), 0u);
  readers.clear();
  EXPECT_EQ(factory_->open_readers(), 0u);
  ASSERT_TRUE(eventually([&] { return factory_->resetting_consumers() == 0; }));
  // The other two were destroyed, not kept.
  EXPECT_EQ(factory_->idle_consumers(), 2u);
  EXPECT_EQ(host_.gauge_value(kIdle), 2);

  for (int i = 0; i < 3; ++i) readers.push_back(open({at(t2_, i % 2, 0)}));
  EXPECT_EQ(host_.value(kReused), 2u);
  EXPECT_EQ(host_.value(kCreated), 5u);
  EXPECT_EQ(factory_->idle_consumers(), 0u);
  EXPECT_EQ(host_.gauge_value(kIdle), 0);
  EXPECT_EQ(factory_->open_readers(), 3u);
}

TEST_F(ConsumerPoolTest, SizeZeroCreatesAConsumerPerReader) {
  make_factory(0);
  fill(t1_, 0, 0, 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(factory_->resetting_consumers(), 0u);
    auto r = open({at(t1_, 0, i)});
    ASSERT_TRUE(r);
    const auto got = read_events(*r, static_cast<std::size_t>(3 - i), 30s);
    ASSERT_EQ(got.events.size(), static_cast<std::size_t>(3 - i));
    EXPECT_EQ(got.events.front().offset, i);
  }
  EXPECT_EQ(host_.value(kCreated), 3u);
  EXPECT_EQ(host_.value(kReused), 0u);
  EXPECT_EQ(factory_->idle_consumers(), 0u);
}

// A reader that ended on an error does not leave its consumer to the next one.
TEST_F(ConsumerPoolTest, AFailedReadersConsumerIsNotKept) {
  make_factory(2);
  fill(t1_, 0, 0, 2);
  const std::vector<rd_kafka_resp_err_t> errors(50, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  rd_kafka_mock_push_request_errors_array(cluster_->mock(), kFetchApiKey, errors.size(),
                                          errors.data());
  auto r = open({at(t1_, 0, 0)});
  ASSERT_TRUE(r);
  const auto got = read_events(*r, 100, 30s);
  rd_kafka_mock_clear_request_errors(cluster_->mock(), kFetchApiKey);
  ASSERT_FALSE(got.status.ok());
  r.reset();
  // Destroyed at once, not reset for the pool.
  EXPECT_EQ(factory_->resetting_consumers(), 0u);
  EXPECT_EQ(factory_->idle_consumers(), 0u);
  auto healthy = open({at(t2_, 0, 0)});
  ASSERT_TRUE(healthy);
  EXPECT_EQ(host_.value(kReused), 0u);
  EXPECT_EQ(host_.value(kCreated), 2u);
}

// A pooled consumer unused for consumer_pool_idle_ms is destroyed, and its broker connections
// close with it (librdkafka keeps them up while it lives); one returned since stays.
TEST_F(ConsumerPoolTest, AnIdleConsumerExpiresWithItsBrokerConnections) {
  make_factory(2, R"("consumer_pool_idle_ms":300)");
  fill(t1_, 0, 0, 5);
  const std::size_t without_readers = broker_connections(bootstrap());
  auto a = open({at(t1_, 0, 0)});
  ASSERT_TRUE(a);
  ASSERT_EQ(read_events(*a, 5, 30s).events.size(), 5u);
  EXPECT_GT(broker_connections(bootstrap()), without_readers);
  a.reset();
  ASSERT_TRUE(eventually([&] { return host_.value(kExpired) == 1; }));
  EXPECT_EQ(factory_->idle_consumers(), 0u);
  EXPECT_EQ(host_.gauge_value(kIdle), 0);
  EXPECT_TRUE(eventually([&] { return broker_connections(bootstrap()) <= without_readers; }))
      << broker_connections(bootstrap()) << " broker connections, " << without_readers
      << " without readers";

  // The next reader creates a consumer again, and reads.
  auto b = open({at(t1_, 0, 2)});
  ASSERT_TRUE(b);
  EXPECT_EQ(host_.value(kCreated), 2u);
  EXPECT_EQ(host_.value(kReused), 0u);
  const auto got = read_events(*b, 3, 30s);
  ASSERT_TRUE(got.status.ok()) << got.status.message;
  ASSERT_EQ(got.events.size(), 3u);
  EXPECT_EQ(got.events.front().offset, 2);
}

// A consumer returned just now may have its previous reader's last fetch held by the broker
// (a reader at the head always has one waiting, up to fetch.wait.max.ms), and the next fetch
// waits for it: the pool hands out one that rested that long first, then the oldest.
TEST_F(ConsumerPoolTest, AConsumerThatRestedComesBeforeOneReturnedJustNow) {
  auto reaper = std::make_shared<HandleReaper>(1);
  ConsumerPool::Timing timing;
  timing.rest = 300ms;
  auto pool = std::make_shared<ConsumerPool>(3, timing, reaper, nullptr, ConsumerPool::Metrics{});
  const auto consumer = [&] {
    std::string error;
    ConfPtr conf =
        make_conf({{"bootstrap.servers", bootstrap()}, {"group.id", "g"}}, nullptr, error);
    EXPECT_TRUE(conf) << error;
    rd_kafka_t* rk = new_client(RD_KAFKA_CONSUMER, std::move(conf), error);
    EXPECT_NE(rk, nullptr) << error;
    rd_kafka_poll_set_consumer(rk);
    return ConsumerHandle{rk, rd_kafka_queue_get_consumer(rk)};
  };
  const ConsumerHandle rested = consumer(), older = consumer(), newest = consumer();
  pool->release(rested, true);
  ASSERT_TRUE(eventually([&] { return pool->idle() == 1; }));
  std::this_thread::sleep_for(400ms);
  pool->release(older, true);
  ASSERT_TRUE(eventually([&] { return pool->idle() == 2; }));
  pool->release(newest, true);
  ASSERT_TRUE(eventually([&] { return pool->idle() == 3; }));

  const auto first = pool->acquire();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rk, rested.rk);  // though returned first
  const auto second = pool->acquire();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->rk, older.rk);  // none rested: the closest to it
  for (const auto& c : {*first, *second}) pool->release(c, false);
  pool->close();
  EXPECT_TRUE(reaper->shutdown(10s));
}

// Without an idle time the pool keeps its consumers.
TEST_F(ConsumerPoolTest, IdleMsZeroKeepsIdleConsumers) {
  make_factory(2, R"("consumer_pool_idle_ms":0)");
  open({at(t1_, 0, 0)}).reset();
  ASSERT_TRUE(eventually([&] { return factory_->idle_consumers() == 1; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(factory_->idle_consumers(), 1u);
  EXPECT_EQ(host_.value(kExpired), 0u);
}

// Idle consumers go with the factory, within its shutdown bound (no hang, nothing left).
TEST_F(ConsumerPoolTest, TheFactoryDestroysItsIdleConsumers) {
  make_factory(4);
  std::vector<std::unique_ptr<SourceReader>> readers;
  for (int i = 0; i < 3; ++i) readers.push_back(open({at(t1_, 0, 0)}));
  readers.clear();
  ASSERT_TRUE(eventually([&] { return factory_->idle_consumers() == 3; }));
  factory_.reset();
  EXPECT_EQ(host_.gauge_value(kIdle), 0);
}

}  // namespace
}  // namespace eventstreams::kafka
