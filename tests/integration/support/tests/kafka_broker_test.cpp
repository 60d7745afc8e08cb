// KafkaBroker and Producer against a real broker (label "kafka").
#include "support/kafka_broker.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <memory>
#include <set>

#include "support/deadline.h"
#include "support/producer.h"

namespace eventstreams::testing {
namespace {

struct Record {
  int32_t partition;
  int64_t offset;
  int64_t timestamp;
  std::string key;
  std::string value;
};

// Reads `count` records of topic/partition from offset 0 with an assigned consumer.
std::vector<Record> read_partition(const std::string& topic, int32_t partition, size_t count) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", KafkaBroker::shared().bootstrap().c_str(), errstr,
                    sizeof errstr);
  rd_kafka_conf_set(conf, "group.id", "es-test-reader", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
  std::unique_ptr<rd_kafka_t, void (*)(rd_kafka_t*)> rk(
      rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr), rd_kafka_destroy);
  EXPECT_TRUE(rk) << errstr;
  if (!rk) return {};
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, topic.c_str(), partition)->offset = 0;
  rd_kafka_assign(rk.get(), parts);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<Record> out;
  const auto deadline = deadline_after(std::chrono::seconds(20));
  while (out.size() < count && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), poll_timeout_ms(deadline));
    if (!m) continue;
    if (!m->err) {
      rd_kafka_timestamp_type_t type;
      out.push_back({m->partition, m->offset, rd_kafka_message_timestamp(m, &type),
                     std::string(static_cast<const char*>(m->key), m->key_len),
                     std::string(static_cast<const char*>(m->payload), m->len)});
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

TEST(KafkaBroker, UniqueTopicNames) {
  KafkaBroker& broker = KafkaBroker::shared();
  std::set<std::string> names;
  for (int i = 0; i < 100; ++i) names.insert(broker.unique_topic("Some Test/Name"));
  EXPECT_EQ(names.size(), 100u);
  for (const auto& n : names) {
    EXPECT_EQ(
        n.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"),
        std::string::npos)
        << n;
  }
}

TEST(KafkaBroker, ProduceWithTimestampsToThreePartitionsAndReadBack) {
  KafkaBroker& broker = KafkaBroker::shared();
  EXPECT_EQ(broker.bootstrap().rfind("127.0.0.1:", 0), 0u);
  const std::string topic = broker.create_unique_topic("selftest", 3);

  Producer producer;
  const int64_t base = 1'700'000'000'000;
  // One at a time, with and without key / timestamp.
  EXPECT_EQ(producer.produce(topic, 0, "{\"n\":0}", "k0", base), 0);
  EXPECT_EQ(producer.produce(topic, 0, "{\"n\":1}", std::nullopt, base + 1), 1);
  EXPECT_EQ(producer.produce(topic, 1, "not json"), 0);
  // A batch across partitions.
  std::vector<ProduceMessage> batch;
  for (int i = 0; i < 9; ++i) {
    batch.push_back({topic, i % 3, "{\"i\":" + std::to_string(i) + "}", "key" + std::to_string(i),
                     base + 100 + i});
  }
  std::vector<int64_t> offsets = producer.produce_many(batch);
  EXPECT_EQ(offsets, (std::vector<int64_t>{2, 1, 0, 3, 2, 1, 4, 3, 2}));

  EXPECT_EQ(broker.watermarks(topic, 0), std::make_pair(int64_t{0}, int64_t{5}));
  EXPECT_EQ(broker.watermarks(topic, 1), std::make_pair(int64_t{0}, int64_t{4}));
  EXPECT_EQ(broker.watermarks(topic, 2), std::make_pair(int64_t{0}, int64_t{3}));

  std::vector<Record> p0 = read_partition(topic, 0, 5);
  ASSERT_EQ(p0.size(), 5u);
  EXPECT_EQ(p0[0].key, "k0");
  EXPECT_EQ(p0[0].timestamp, base);
  EXPECT_EQ(p0[0].value, "{\"n\":0}");
  EXPECT_EQ(p0[1].key, "");
  EXPECT_EQ(p0[1].timestamp, base + 1);
  EXPECT_EQ(p0[2].value, "{\"i\":0}");
  EXPECT_EQ(p0[2].timestamp, base + 100);
  EXPECT_EQ(p0[4].offset, 4);
  EXPECT_EQ(p0[4].timestamp, base + 106);

  std::vector<Record> p2 = read_partition(topic, 2, 3);
  ASSERT_EQ(p2.size(), 3u);
  EXPECT_EQ(p2[2].value, "{\"i\":8}");
  EXPECT_EQ(p2[2].key, "key8");

  // Deleting records moves the log start; deleting the topic removes it from the metadata.
  broker.delete_records(topic, 0, 2);
  EXPECT_EQ(broker.watermarks(topic, 0).first, 2);
  broker.delete_topic(topic);
  EXPECT_THROW(broker.create_topic(topic + "/bad", 1), std::runtime_error);
}

TEST(KafkaBroker, TopicConfigAndDuplicateCreation) {
  KafkaBroker& broker = KafkaBroker::shared();
  const std::string topic = broker.create_unique_topic("config", 1, {{"retention.ms", "3600000"}});
  EXPECT_THROW(broker.create_topic(topic, 1), std::runtime_error);  // already exists
  broker.delete_topic(topic);
}

}  // namespace
}  // namespace eventstreams::testing
