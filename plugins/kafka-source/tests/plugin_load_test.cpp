// Loads the built plugin module the way the host does (Boost.DLL) and reads demo events
// through it.
#include <gtest/gtest.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <array>
#include <boost/dll/shared_library.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>

#include "eventstreams/abi.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/source.h"

#ifndef ES_KAFKA_SOURCE_PLUGIN_PATH
#error "ES_KAFKA_SOURCE_PLUGIN_PATH must name the built plugin module"
#endif

namespace eventstreams {
namespace {

using namespace std::chrono_literals;

TEST(KafkaSourcePlugin, LoadsAndReadsDemoEvents) {
  boost::dll::shared_library lib(
      ES_KAFKA_SOURCE_PLUGIN_PATH,
      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  ASSERT_TRUE(lib.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME));
  const auto& desc = lib.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
  EXPECT_EQ(desc.abi_version, kAbiVersion);
  EXPECT_EQ(desc.descriptor_size, sizeof(PluginDescriptor));
  EXPECT_EQ(desc.kind, PluginKind::kSource);
  EXPECT_STREQ(desc.name, "kafka");
  EXPECT_NE(std::strlen(desc.version), 0u);
  ASSERT_NE(desc.create_source, nullptr);
  EXPECT_EQ(desc.create_transform, nullptr);
  EXPECT_EQ(desc.create_encoder, nullptr);

  {
    // A bad config fails without throwing.
    PluginContext bad;
    bad.config_json = R"({"kafka":{"bootstrap.servers":"x:1","bogus.key":1}})";
    std::string error;
    EXPECT_EQ(desc.create_source(bad, error), nullptr);
    EXPECT_NE(error.find("bogus.key"), std::string::npos) << error;
  }

  PluginContext ctx;
  ctx.config_json =
      R"({"kafka":{"embedded":true,"embedded_events_per_second":200,"fetch.wait.max.ms":10}})";
  std::string error;
  std::unique_ptr<SourceFactory> factory = desc.create_source(ctx, error);
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
  factory.reset();  // before the library goes
}

}  // namespace
}  // namespace eventstreams
