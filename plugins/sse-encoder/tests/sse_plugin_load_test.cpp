// Loads libeventstreams-sse-encoder.so as the host does and drives it through its descriptor.
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

INSTANTIATE_TEST_SUITE_P(Sse, PluginLoadTest,
                         ::testing::Values(PluginLoadCase{
                             .path = ES_SSE_PLUGIN_PATH,
                             .kind = PluginKind::kEncoder,
                             .name = "sse",
                             .version = "1.0",
                             .bad_config = R"({"bogus": 1})",
                             .error_fragment = "unknown key \"bogus\""}),
                         PluginLoadTest::ParamName);

TEST(SsePluginLoad, EncodesThroughFactory) {
  LoadedPlugin plugin(ES_SSE_PLUGIN_PATH);
  std::string error;
  std::unique_ptr<EncoderFactory> factory =
      plugin.create_encoder(R"({"retry_ms": 1500, "heartbeat_comment": "hb"})", error);
  ASSERT_NE(factory, nullptr) << error;
  EXPECT_EQ(factory->media_types(), std::vector<std::string>{"text/event-stream"});
  EXPECT_EQ(factory->content_type(), "text/event-stream; charset=utf-8");
  EXPECT_TRUE(factory->wants_ids());
  std::unique_ptr<Encoder> encoder = factory->create();
  ASSERT_NE(encoder, nullptr);

  EventBatch batch;
  Event e;
  e.value = batch.store("{\"a\":1}\n{\"b\":2}");
  e.id = batch.store("[{\"topic\":\"t\",\"partition\":0,\"timestamp\":1}]");
  batch.events.push_back(e);

  std::string out;
  std::vector<EncodedFrame> frames;
  out = factory->preamble();
  encoder->encode(batch, out, frames);
  encoder->heartbeat(out);
  const std::string frame =
      "event: message\nid: [{\"topic\":\"t\",\"partition\":0,\"timestamp\":1}]\n"
      "data: {\"a\":1}\ndata: {\"b\":2}\n\n";
  const std::string preamble = ":ok\n\nretry: 1500\n\n";
  EXPECT_EQ(out, preamble + frame + ":hb\n\n");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].event_index, 0u);
  EXPECT_EQ(frames[0].offset, preamble.size());
  EXPECT_EQ(frames[0].length, frame.size());
  // Encoder and factory are destroyed before `plugin`, as the host orders it (PluginObject).
}

}  // namespace
}  // namespace eventstreams
