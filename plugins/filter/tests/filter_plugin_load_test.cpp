// Loads libeventstreams-filter.so as the host does and drives it through its descriptor.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "eventstreams/abi.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/transform.h"
#include "plugin_testing/plugin_load_checks.h"

namespace eventstreams {
namespace {

using testing::LoadedPlugin;
using testing::PluginLoadCase;
using testing::PluginLoadTest;

INSTANTIATE_TEST_SUITE_P(Filter, PluginLoadTest,
                         ::testing::Values(PluginLoadCase{
                             .path = ES_FILTER_PLUGIN_PATH,
                             .kind = PluginKind::kTransform,
                             .name = "filter",
                             .version = "1.0",
                             .bad_config = R"({"bogus": 1})",
                             .error_fragment = "unknown key \"bogus\""}),
                         PluginLoadTest::ParamName);

TEST(FilterPluginLoad, FiltersThroughFactory) {
  LoadedPlugin plugin(ES_FILTER_PLUGIN_PATH);
  std::string error;
  std::unique_ptr<TransformFactory> factory =
      plugin.create_transform(R"({"drop_canary": true})", error);
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
  // Transform and factory are destroyed before `plugin`, as the host orders it (PluginObject).
}

}  // namespace
}  // namespace eventstreams
