// Loads libeventstreams-redaction.so as the host does and drives it through its descriptor.
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

INSTANTIATE_TEST_SUITE_P(Redaction, PluginLoadTest,
                         ::testing::Values(PluginLoadCase{
                             .path = ES_REDACTION_PLUGIN_PATH,
                             .kind = PluginKind::kTransform,
                             .name = "redaction",
                             .version = "1.0",
                             .bad_config = R"({"bogus": 1})",
                             .error_fragment = "unknown key \"bogus\""}),
                         PluginLoadTest::ParamName);

TEST(RedactionPluginLoad, RedactsThroughFactory) {
  LoadedPlugin plugin(ES_REDACTION_PLUGIN_PATH);
  std::string error;
  std::unique_ptr<TransformFactory> factory = plugin.create_transform(
      R"({"mediawiki_redacted_pages":{"en.wikipedia.org":["Redact this"]}})", error);
  ASSERT_NE(factory, nullptr) << error;
  EXPECT_FALSE(factory->accepts_parameter("title"));
  RequestInfo request;
  request.client = "192.0.2.1";
  std::string key = "unset";
  std::unique_ptr<Transform> transform = factory->create(request, key, error);
  ASSERT_NE(transform, nullptr) << error;
  EXPECT_EQ(key, "");

  EventBatch batch;
  batch.topics.push_back("t");
  for (
      const char* payload :
      {R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Redact_this","user":"u"})",
       R"({"meta":{"domain":"de.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Redact_this","user":"u"})"}) {
    Event e;
    e.value = batch.store(payload);
    batch.events.push_back(e);
  }
  transform->apply(batch);
  EXPECT_EQ(
      batch.value(batch.events[0]),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Redact_this"})");
  EXPECT_EQ(
      batch.value(batch.events[1]),
      R"({"meta":{"domain":"de.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Redact_this","user":"u"})");
  // Transform and factory are destroyed before `plugin`, as the host orders it (PluginObject).
}

}  // namespace
}  // namespace eventstreams
