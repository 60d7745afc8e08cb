// Loads libeventstreams-filter.so as the host does and drives it through its descriptor.
#include <gtest/gtest.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "eventstreams/abi.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/transform.h"

namespace eventstreams {
namespace {

const PluginDescriptor& descriptor(const boost::dll::shared_library& lib) {
  return lib.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
}

TEST(FilterPluginLoad, DescriptorMatchesAbi) {
  boost::dll::shared_library lib(ES_FILTER_PLUGIN_PATH);
  ASSERT_TRUE(lib.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME));
  const PluginDescriptor& d = descriptor(lib);
  EXPECT_EQ(d.abi_version, kAbiVersion);
  EXPECT_EQ(d.descriptor_size, sizeof(PluginDescriptor));
  EXPECT_EQ(d.kind, PluginKind::kTransform);
  EXPECT_EQ(std::string_view(d.name), "filter");
  EXPECT_EQ(std::string_view(d.version), "1.0");
  EXPECT_EQ(d.create_source, nullptr);
  EXPECT_EQ(d.create_encoder, nullptr);
  ASSERT_NE(d.create_transform, nullptr);
}

TEST(FilterPluginLoad, FiltersThroughFactory) {
  boost::dll::shared_library lib(ES_FILTER_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  ASSERT_NE(d.create_transform, nullptr);

  PluginContext context;
  context.config_json = R"({"drop_canary": true})";
  std::string error;
  std::unique_ptr<TransformFactory> factory = d.create_transform(context, error);
  ASSERT_NE(factory, nullptr) << error;

  RequestInfo request;
  request.query = {{"type", "edit"}, {"bot!", "true"}, {"since", "0"}};
  std::string key;
  std::unique_ptr<Transform> transform = factory->create(request, key, error);
  ASSERT_NE(transform, nullptr) << error;
  EXPECT_EQ(key, "bot!=true&type=\"edit\"");

  EventBatch batch;
  for (const char* json : {R"({"meta":{"domain":"a"},"type":"edit","bot":false})",
                           R"({"meta":{"domain":"a"},"type":"edit","bot":true})",
                           R"({"meta":{"domain":"canary"},"type":"edit"})",
                           R"({"meta":{"domain":"a"},"type":"log"})"}) {
    Event e;
    e.value = batch.store(json);
    batch.events.push_back(e);
  }
  transform->apply(batch);
  ASSERT_EQ(batch.events.size(), 4u);
  EXPECT_FALSE(batch.events[0].dropped);
  EXPECT_TRUE(batch.events[1].dropped);
  EXPECT_TRUE(batch.events[2].dropped);
  EXPECT_TRUE(batch.events[3].dropped);

  request.query = {{"type", ""}};
  key = "x";
  EXPECT_EQ(factory->create(request, key, error), nullptr);
  EXPECT_NE(error.find("empty value list"), std::string::npos) << error;
  // Transform and factory are destroyed before `lib` unloads the code they run.
}

TEST(FilterPluginLoad, ConfigErrorComesBackAsNull) {
  boost::dll::shared_library lib(ES_FILTER_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  PluginContext context;
  context.config_json = R"({"bogus": 1})";
  std::string error;
  EXPECT_EQ(d.create_transform(context, error), nullptr);
  EXPECT_NE(error.find("unknown key \"bogus\""), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams
