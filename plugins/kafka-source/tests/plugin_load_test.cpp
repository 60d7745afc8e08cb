// Loads the built plugin module the way the host does (Boost.DLL) and reads demo events
// through it.
#include <gtest/gtest.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "eventstreams/abi.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/source.h"
#include "plugin_testing/plugin_load_checks.h"

#ifndef ES_KAFKA_SOURCE_PLUGIN_PATH
#error "ES_KAFKA_SOURCE_PLUGIN_PATH must name the built plugin module"
#endif
#ifndef ES_KAFKA_SOURCE_VERSION
#error "ES_KAFKA_SOURCE_VERSION must be the version the plugin module was built with"
#endif

namespace eventstreams {
namespace {

using namespace std::chrono_literals;
using testing::LoadedPlugin;
using testing::PluginLoadCase;
using testing::PluginLoadTest;

// The descriptor, and a bad librdkafka property that fails without throwing.
INSTANTIATE_TEST_SUITE_P(Kafka, PluginLoadTest,
                         ::testing::Values(PluginLoadCase{
                             .path = ES_KAFKA_SOURCE_PLUGIN_PATH,
                             .kind = PluginKind::kSource,
                             .name = "kafka",
                             .version = ES_KAFKA_SOURCE_VERSION,
                             .bad_config = R"({"kafka":{"bootstrap.servers":"x:1","bogus.key":1}})",
                             .error_fragment = "bogus.key"}),
                         PluginLoadTest::ParamName);

TEST(KafkaSourcePlugin, LoadsAndReadsDemoEvents) {
  LoadedPlugin plugin(ES_KAFKA_SOURCE_PLUGIN_PATH);
  std::string error;
  std::unique_ptr<SourceFactory> factory = plugin.create_source(
      R"({"kafka":{"embedded":true,"embedded_events_per_second":200,"fetch.wait.max.ms":10}})",
      error);
  ASSERT_TRUE(factory) << error;
  const std::string topic = "eqiad.mediawiki.recentchange";
  ASSERT_TRUE(factory->start({topic}).ok());
  std::vector<TopicPartitions> partitions;
  ASSERT_TRUE(factory->describe({topic}, partitions, 5000).ok());
  ASSERT_EQ(partitions.size(), 1u);
  ASSERT_EQ(partitions[0].partitions, 1);
  StartSpec spec;
  spec.topic = topic;
  spec.kind = StartSpec::Kind::kEarliest;
  std::vector<StartPosition> positions;
  ASSERT_TRUE(factory->resolve({spec}, positions, 5000).ok());
  std::unique_ptr<SourceReader> reader;
  ASSERT_TRUE(factory->open(positions, reader).ok());
  EXPECT_EQ(factory->open_readers(), 1u);

  EventBatch batch;
  std::size_t seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (seen < 10 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{reader->notify_fd(), POLLIN, 0};
    ::poll(&p, 1, 200);
    std::array<char, 64> buf{};
    while (::read(p.fd, buf.data(), buf.size()) > 0) {
    }
    for (;;) {
      batch.clear();
      const SourceStatus s = reader->poll(batch, 16);
      ASSERT_TRUE(s.ok()) << s.message;
      for (const auto& e : batch.events) {
        EXPECT_EQ(batch.topic(e), topic);
        rapidjson::Document doc;
        const std::string_view v = batch.value(e);
        doc.Parse(v.data(), v.size());
        ASSERT_FALSE(doc.HasParseError()) << v;
        EXPECT_TRUE(doc["meta"]["domain"].IsString());
        EXPECT_TRUE(doc["title"].IsString());
        ++seen;
      }
      if (batch.events.size() < 16) break;
    }
  }
  EXPECT_GE(seen, 10u);
  reader.reset();
  EXPECT_EQ(factory->open_readers(), 0u);
  factory.reset();  // before `plugin`, as the host orders it (PluginObject)
}

}  // namespace
}  // namespace eventstreams
