// Loads libeventstreams-ndjson-encoder.so as the host does and drives it through its
// descriptor.
#include <gtest/gtest.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/abi.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"

namespace eventstreams {
namespace {

const PluginDescriptor& descriptor(const boost::dll::shared_library& lib) {
  return lib.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
}

TEST(NdjsonPluginLoad, DescriptorMatchesAbi) {
  boost::dll::shared_library lib(ES_NDJSON_PLUGIN_PATH);
  ASSERT_TRUE(lib.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME));
  const PluginDescriptor& d = descriptor(lib);
  EXPECT_EQ(d.abi_version, kAbiVersion);
  EXPECT_EQ(d.descriptor_size, sizeof(PluginDescriptor));
  EXPECT_EQ(d.kind, PluginKind::kEncoder);
  EXPECT_EQ(std::string_view(d.name), "ndjson");
  EXPECT_EQ(std::string_view(d.version), "1.0");
  EXPECT_EQ(d.create_source, nullptr);
  EXPECT_EQ(d.create_transform, nullptr);
  ASSERT_NE(d.create_encoder, nullptr);
}

TEST(NdjsonPluginLoad, EncodesThroughFactory) {
  boost::dll::shared_library lib(ES_NDJSON_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  ASSERT_NE(d.create_encoder, nullptr);

  PluginContext context;
  context.config_json = "{}";
  std::string error;
  std::unique_ptr<EncoderFactory> factory = d.create_encoder(context, error);
  ASSERT_NE(factory, nullptr) << error;
  EXPECT_EQ(factory->media_types(),
            (std::vector<std::string>{"application/json", "application/x-ndjson"}));
  EXPECT_EQ(factory->content_type(), "application/json; charset=utf-8");
  EXPECT_FALSE(factory->wants_ids());
  std::unique_ptr<Encoder> encoder = factory->create();
  ASSERT_NE(encoder, nullptr);

  EventBatch batch;
  Event e;
  e.value = batch.store(R"({"meta":{"topic":"t","partition":0,"offset":7}})");
  batch.events.push_back(e);

  std::string out;
  std::vector<EncodedFrame> frames;
  encoder->preamble(out);
  encoder->encode(batch, out, frames);
  encoder->heartbeat(out);
  encoder->error(R"({"message":"gone"})", out);
  EXPECT_EQ(out,
            "{\"meta\":{\"topic\":\"t\",\"partition\":0,\"offset\":7}}\n"
            "\n"
            "{\"error\":{\"message\":\"gone\"}}\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].event_index, 0u);
  EXPECT_EQ(frames[0].offset, 0u);
  EXPECT_EQ(frames[0].length, batch.value(e).size() + 1);
  // Encoder and factory are destroyed before `lib` unloads the code they run.
}

TEST(NdjsonPluginLoad, ConfigErrorComesBackAsNull) {
  boost::dll::shared_library lib(ES_NDJSON_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  PluginContext context;
  context.config_json = R"({"bogus": 1})";
  std::string error;
  EXPECT_EQ(d.create_encoder(context, error), nullptr);
  EXPECT_NE(error.find("unknown key \"bogus\""), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams
