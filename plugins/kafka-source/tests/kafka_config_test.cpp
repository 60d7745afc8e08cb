#include "kafka_config.h"

#include <gtest/gtest.h>

#include "client_config.h"

namespace eventstreams::kafka {
namespace {

std::string value_of(const Properties& props, const std::string& key) {
  std::string v = "<unset>";
  for (const auto& [k, val] : props) {
    if (k == key) v = val;  // last one wins, as in librdkafka
  }
  return v;
}

TEST(KafkaConfig, PassesPropertiesThroughAsText) {
  std::string error;
  auto c = parse_kafka_config(
      R"({"kafka":{"metadata.broker.list":"k1:9092,k2:9092","socket.timeout.ms":1500,)"
      R"("api.version.request":true,"fetch.wait.max.ms":100.0,"client.id":"es"}})",
      error);
  ASSERT_TRUE(c) << error;
  EXPECT_FALSE(c->embedded);
  EXPECT_EQ(value_of(c->properties, "metadata.broker.list"), "k1:9092,k2:9092");
  EXPECT_EQ(value_of(c->properties, "socket.timeout.ms"), "1500");
  EXPECT_EQ(value_of(c->properties, "api.version.request"), "true");
  EXPECT_EQ(value_of(c->properties, "fetch.wait.max.ms"), "100");
  EXPECT_EQ(value_of(c->properties, "client.id"), "es");
}

TEST(KafkaConfig, BootstrapServersIsEnough) {
  std::string error;
  EXPECT_TRUE(parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092"}})", error)) << error;
}

TEST(KafkaConfig, RequiresABrokerListUnlessEmbedded) {
  std::string error;
  EXPECT_FALSE(parse_kafka_config(R"({"kafka":{"client.id":"x"}})", error));
  EXPECT_NE(error.find("metadata.broker.list"), std::string::npos) << error;
  EXPECT_FALSE(parse_kafka_config(R"({})", error));
  EXPECT_FALSE(parse_kafka_config(R"({"kafka":{"bootstrap.servers":""}})", error));
}

TEST(KafkaConfig, ConsumerPoolSizeDefaultsToEightAndIsNotPassedToLibrdkafka) {
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092"}})", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->consumer_pool_size, 8);
  c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092","consumer_pool_size":0}})",
                         error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->consumer_pool_size, 0);
  EXPECT_EQ(value_of(c->properties, "consumer_pool_size"), "<unset>");
  c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092","consumer_pool_size":"3"}})",
                         error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->consumer_pool_size, 3);
}

TEST(KafkaConfig, ConsumerPoolSizeOutOfRangeFails) {
  for (const char* bad : {"-1", "1001", "2.5", R"("many")", "true"}) {
    std::string error;
    EXPECT_FALSE(parse_kafka_config(
        std::string(R"({"kafka":{"bootstrap.servers":"k:9092","consumer_pool_size":)") + bad + "}}",
        error))
        << bad;
    EXPECT_NE(error.find("consumer_pool_size"), std::string::npos) << error;
  }
}

TEST(KafkaConfig, ConsumerPoolIdleMsDefaultsTo30SecondsAndIsChecked) {
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092"}})", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->consumer_pool_idle_ms, 30000);
  c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092","consumer_pool_idle_ms":0}})",
                         error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->consumer_pool_idle_ms, 0);
  EXPECT_EQ(value_of(c->properties, "consumer_pool_idle_ms"), "<unset>");
  for (const char* bad : {"-1", "86400001", "0.5", R"("soon")"}) {
    EXPECT_FALSE(parse_kafka_config(
        std::string(R"({"kafka":{"bootstrap.servers":"k:9092","consumer_pool_idle_ms":)") + bad +
            "}}",
        error))
        << bad;
    EXPECT_NE(error.find("consumer_pool_idle_ms"), std::string::npos) << error;
  }
}

TEST(KafkaConfig, PluginKeysAreNotPassedToLibrdkafka) {
  std::string error;
  auto c = parse_kafka_config(
      R"({"kafka":{"embedded":true,"embedded_events_per_second":0.5,"embedded_partitions":3,)"
      R"("bootstrap.servers":"ignored:1","client.id":"x"}})",
      error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->embedded);
  EXPECT_DOUBLE_EQ(c->embedded_events_per_second, 0.5);
  EXPECT_EQ(c->embedded_partitions, 3);
  for (const auto& [k, v] : c->properties) {
    EXPECT_EQ(k.rfind("embedded", 0), std::string::npos) << k;
    EXPECT_NE(k, "bootstrap.servers");  // the mock cluster's address replaces it
  }
}

TEST(KafkaConfig, EmbeddedDefaults) {
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"embedded":true}})", error);
  ASSERT_TRUE(c) << error;
  EXPECT_DOUBLE_EQ(c->embedded_events_per_second, 5);
  EXPECT_EQ(c->embedded_partitions, 1);
}

TEST(KafkaConfig, PluginKeysAcceptStringifiedScalars) {
  std::string error;
  auto c = parse_kafka_config(
      R"({"kafka":{"embedded":"true","embedded_events_per_second":"20","embedded_partitions":"2"}})",
      error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->embedded);
  EXPECT_DOUBLE_EQ(c->embedded_events_per_second, 20);
  EXPECT_EQ(c->embedded_partitions, 2);
}

TEST(KafkaConfig, RejectsWrongTypes) {
  const char* bad[] = {
      "not json",
      R"([1,2])",
      R"({"kafka":"k:9092"})",
      R"({"kafka":{"embedded":"yes"}})",
      R"({"kafka":{"embedded":1}})",
      R"({"kafka":{"embedded":true,"embedded_events_per_second":"fast"}})",
      R"({"kafka":{"embedded":true,"embedded_events_per_second":-1}})",
      R"({"kafka":{"embedded":true,"embedded_partitions":0}})",
      R"({"kafka":{"embedded":true,"embedded_partitions":1.5}})",
      R"({"kafka":{"embedded":true,"embedded_partitions":true}})",
      R"({"kafka":{"bootstrap.servers":"k:9092","debug":["broker"]}})",
      R"({"kafka":{"bootstrap.servers":"k:9092","client.id":null}})",
      R"({"kafka":{"bootstrap.servers":"k:9092","sasl":{"mechanism":"PLAIN"}}})",
  };
  for (const char* json : bad) {
    std::string error;
    EXPECT_FALSE(parse_kafka_config(json, error)) << json;
    EXPECT_FALSE(error.empty()) << json;
  }
}

TEST(KafkaConfig, ErrorsNameTheKey) {
  std::string error;
  EXPECT_FALSE(parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k","debug":[1]}})", error));
  EXPECT_NE(error.find("kafka.debug"), std::string::npos) << error;
  EXPECT_FALSE(parse_kafka_config(R"({"kafka":{"embedded_partitions":"x"}})", error));
  EXPECT_NE(error.find("embedded_partitions"), std::string::npos) << error;
}

TEST(ClientConfig, ReaderDefaultsYieldToUserButSafetySettingsDoNot) {
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092","fetch.wait.max.ms":20,)"
                              R"("queued.max.messages.kbytes":1024,"enable.auto.commit":true,)"
                              R"("auto.offset.reset":"earliest","group.id":"mine"}})",
                              error);
  ASSERT_TRUE(c) << error;
  const Properties reader = client_properties(*c, ClientRole::kReader, "");
  EXPECT_EQ(value_of(reader, "fetch.wait.max.ms"), "20");
  EXPECT_EQ(value_of(reader, "queued.max.messages.kbytes"), "1024");
  EXPECT_EQ(value_of(reader, "fetch.min.bytes"), "1");
  EXPECT_EQ(value_of(reader, "group.id"), "mine");
  EXPECT_EQ(value_of(reader, "enable.auto.commit"), "false");
  EXPECT_EQ(value_of(reader, "enable.auto.offset.store"), "false");
  EXPECT_EQ(value_of(reader, "enable.partition.eof"), "false");
  EXPECT_EQ(value_of(reader, "auto.offset.reset"), "latest");
  EXPECT_EQ(value_of(reader, "bootstrap.servers"), "k:9092");

  const Properties metadata = client_properties(*c, ClientRole::kMetadata, "");
  EXPECT_EQ(value_of(metadata, "group.id"), "<unset>");
  EXPECT_EQ(value_of(metadata, "allow.auto.create.topics"), "false");
  EXPECT_EQ(value_of(metadata, "socket.keepalive.enable"), "true");
}

TEST(ClientConfig, DefaultsWhenNotConfigured) {
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092"}})", error);
  ASSERT_TRUE(c) << error;
  const Properties reader = client_properties(*c, ClientRole::kReader, "");
  EXPECT_EQ(value_of(reader, "group.id"), "eventstreams-unused");
  EXPECT_EQ(value_of(reader, "fetch.wait.max.ms"), "100");
  EXPECT_EQ(fetch_wait(reader).count(), 100);
  EXPECT_EQ(value_of(reader, "queued.max.messages.kbytes"), "4096");
  EXPECT_EQ(value_of(reader, "socket.keepalive.enable"), "true");
}

TEST(ClientConfig, FetchWaitIsTheLastValueSet) {
  EXPECT_EQ(fetch_wait({}).count(), 500);  // librdkafka's default
  EXPECT_EQ(fetch_wait({{"fetch.wait.max.ms", "100"}, {"fetch.wait.max.ms", "20"}}).count(), 20);
  EXPECT_EQ(fetch_wait({{"fetch.wait.max.ms", "20"}, {"fetch.wait.max.ms", "soon"}}).count(), 20);
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"bootstrap.servers":"k:9092","fetch.wait.max.ms":7}})",
                              error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(fetch_wait(client_properties(*c, ClientRole::kReader, "")).count(), 7);
}

TEST(ClientConfig, EmbeddedBootstrapReplacesBrokerList) {
  std::string error;
  auto c = parse_kafka_config(R"({"kafka":{"embedded":true}})", error);
  ASSERT_TRUE(c) << error;
  const Properties reader = client_properties(*c, ClientRole::kReader, "127.0.0.1:1234");
  EXPECT_EQ(value_of(reader, "bootstrap.servers"), "127.0.0.1:1234");
  EXPECT_EQ(value_of(reader, "metadata.broker.list"), "<unset>");
  EXPECT_EQ(value_of(reader, "fetch.wait.max.ms"), "50");
}

TEST(ClientConfig, MakeConfNamesABadProperty) {
  std::string error;
  EXPECT_FALSE(make_conf({{"no.such.property", "1"}}, nullptr, error));
  EXPECT_NE(error.find("no.such.property"), std::string::npos) << error;
  EXPECT_FALSE(make_conf({{"fetch.wait.max.ms", "soon"}}, nullptr, error));
  EXPECT_NE(error.find("fetch.wait.max.ms"), std::string::npos) << error;
  EXPECT_TRUE(make_conf({{"client.id", "x"}}, nullptr, error));
}

}  // namespace
}  // namespace eventstreams::kafka
