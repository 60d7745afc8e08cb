// Loads libeventstreams-redaction.so as the host does and drives it through its descriptor.
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

TEST(RedactionPluginLoad, DescriptorMatchesAbi) {
  boost::dll::shared_library lib(ES_REDACTION_PLUGIN_PATH);
  ASSERT_TRUE(lib.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME));
  const PluginDescriptor& d = descriptor(lib);
  EXPECT_EQ(d.abi_version, kAbiVersion);
  EXPECT_EQ(d.descriptor_size, sizeof(PluginDescriptor));
  EXPECT_EQ(d.kind, PluginKind::kTransform);
  EXPECT_EQ(std::string_view(d.name), "redaction");
  EXPECT_EQ(std::string_view(d.version), "1.0");
  EXPECT_EQ(d.create_source, nullptr);
  EXPECT_EQ(d.create_encoder, nullptr);
  ASSERT_NE(d.create_transform, nullptr);
}

TEST(RedactionPluginLoad, RedactsThroughFactory) {
  boost::dll::shared_library lib(ES_REDACTION_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  ASSERT_NE(d.create_transform, nullptr);

  PluginContext context;
  context.config_json = R"({"mediawiki_redacted_pages":{"en.wikipedia.org":["Redact this"]}})";
  std::string error;
  std::unique_ptr<TransformFactory> factory = d.create_transform(context, error);
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
  // Transform and factory are destroyed before `lib` unloads the code they run.
}

TEST(RedactionPluginLoad, ConfigErrorComesBackAsNull) {
  boost::dll::shared_library lib(ES_REDACTION_PLUGIN_PATH);
  const PluginDescriptor& d = descriptor(lib);
  PluginContext context;
  context.config_json = R"({"bogus": 1})";
  std::string error;
  EXPECT_EQ(d.create_transform(context, error), nullptr);
  EXPECT_NE(error.find("unknown key \"bogus\""), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams
