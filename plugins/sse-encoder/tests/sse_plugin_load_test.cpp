// Loads libeventstreams-sse-encoder.so as the host does and drives it through its descriptor.
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

TEST(SsePluginLoad, DescriptorMatchesAbi) {
  boost::dll::shared_library lib(ES_SSE_PLUGIN_PATH);
  ASSERT_TRUE(lib.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME));
  const PluginDescriptor& d = descriptor(lib);
  EXPECT_EQ(d.abi_version, kAbiVersion);
  EXPECT_EQ(d.descriptor_size, sizeof(PluginDescriptor));
  EXPECT_EQ(d.kind, PluginKind::kEncoder);
  EXPECT_EQ(std::string_view(d.name), "sse");
  EXPECT_EQ(std::string_view(d.version), "1.0");
  EXPECT_EQ(d.create_source, nullptr);
  EXPECT_EQ(d.create_transform, nullptr);
  ASSERT_NE(d.create_encoder, nullptr);
}

TEST(SsePluginLoad, EncodesThroughFactory) {
  boost::dll::shared_library lib(ES_SSE_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  ASSERT_NE(d.create_encoder, nullptr);

  PluginContext context;
  context.config_json = R"({"retry_ms": 1500, "heartbeat_comment": "hb"})";
  std::string error;
  std::unique_ptr<EncoderFactory> factory = d.create_encoder(context, error);
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
  encoder->preamble(out);
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
  // Encoder and factory are destroyed before `lib` unloads the code they run.
}

TEST(SsePluginLoad, ConfigErrorComesBackAsNull) {
  boost::dll::shared_library lib(ES_SSE_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  PluginContext context;
  context.config_json = R"({"bogus": 1})";
  std::string error;
  EXPECT_EQ(d.create_encoder(context, error), nullptr);
  EXPECT_NE(error.find("unknown key \"bogus\""), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams
