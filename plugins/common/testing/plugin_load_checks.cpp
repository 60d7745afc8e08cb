#include "plugin_testing/plugin_load_checks.h"

#include <cctype>
#include <string_view>

#include "eventstreams/encoder.h"
#include "eventstreams/source.h"
#include "eventstreams/transform.h"

namespace eventstreams::testing {

LoadedPlugin::LoadedPlugin(const std::string& path)
    : lib_(path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now) {}

bool LoadedPlugin::has_descriptor() const {
  return lib_.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
}

const PluginDescriptor& LoadedPlugin::descriptor() const {
  return lib_.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
}

void PrintTo(const PluginLoadCase& c, std::ostream* os) {
  *os << c.name;
}

std::string PluginLoadTest::ParamName(const ::testing::TestParamInfo<PluginLoadCase>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

namespace {

// Calls the create function of the descriptor's kind; whatever it makes is destroyed at once.
bool create(const PluginDescriptor& d, const PluginContext& context, std::string& error) {
  switch (d.kind) {
    case PluginKind::kSource:
      return d.create_source(context, error) != nullptr;
    case PluginKind::kTransform:
      return d.create_transform(context, error) != nullptr;
    case PluginKind::kEncoder:
      return d.create_encoder(context, error) != nullptr;
  }
  ADD_FAILURE() << "unknown plugin kind " << static_cast<unsigned>(d.kind);
  return false;
}

TEST_P(PluginLoadTest, DescriptorMatchesAbi) {
  const PluginLoadCase& expected = GetParam();
  LoadedPlugin plugin(expected.path);
  ASSERT_TRUE(plugin.has_descriptor());
  const PluginDescriptor& d = plugin.descriptor();
  EXPECT_EQ(d.abi_version, kAbiVersion);
  EXPECT_EQ(d.descriptor_size, sizeof(PluginDescriptor));
  EXPECT_EQ(d.kind, expected.kind);
  EXPECT_EQ(std::string_view(d.name), expected.name);
  EXPECT_EQ(std::string_view(d.version), expected.version);
  EXPECT_EQ(d.create_source != nullptr, expected.kind == PluginKind::kSource);
  EXPECT_EQ(d.create_transform != nullptr, expected.kind == PluginKind::kTransform);
  EXPECT_EQ(d.create_encoder != nullptr, expected.kind == PluginKind::kEncoder);
}

TEST_P(PluginLoadTest, ConfigErrorComesBackAsNull) {
  const PluginLoadCase& expected = GetParam();
  LoadedPlugin plugin(expected.path);
  const PluginDescriptor& d = plugin.descriptor();
  ASSERT_EQ(d.kind, expected.kind);
  PluginContext context;
  context.config_json = expected.bad_config;
  std::string error;
  EXPECT_FALSE(create(d, context, error));
  EXPECT_NE(error.find(expected.error_fragment), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams::testing
