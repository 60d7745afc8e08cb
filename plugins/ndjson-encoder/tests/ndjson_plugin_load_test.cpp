// Loads libeventstreams-ndjson-encoder.so as the host does and drives it through its
// descriptor.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "eventstreams/abi.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"
#include "plugin_testing/plugin_load_checks.h"

namespace eventstreams {
namespace {

using testing::LoadedPlugin;
using testing::PluginLoadCase;
using testing::PluginLoadTest;

INSTANTIATE_TEST_SUITE_P(Ndjson, PluginLoadTest,
                         ::testing::Values(PluginLoadCase{
                             .path = ES_NDJSON_PLUGIN_PATH,
                             .kind = PluginKind::kEncoder,
                             .name = "ndjson",
                             .version = "1.0",
                             .bad_config = R"({"bogus": 1})",
                             .error_fragment = "unknown key \"bogus\""}),
                         PluginLoadTest::ParamName);

TEST(NdjsonPluginLoad, EncodesThroughFactory) {
  LoadedPlugin plugin(ES_NDJSON_PLUGIN_PATH);
  std::string error;
  std::unique_ptr<EncoderFactory> factory = plugin.create_encoder("{}", error);
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
  out = factory->preamble();
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
  // Encoder and factory are destroyed before `plugin`, as the host orders it (PluginObject).
}

}  // namespace
}  // namespace eventstreams
