#include "plugin_testing/plugin_load_checks.h"

#include <dlfcn.h>

#include <cctype>
#include <string_view>

namespace eventstreams::testing {

LoadedPlugin::LoadedPlugin(const std::string& path)
    : lib_(path, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now) {
  // Never unmapped, as the host's loader keeps every plugin it accepted
  // (host/plugin-loader/plugin_library.cpp): threads a plugin started may outlive the objects
  // it made, and LeakSanitizer, which reports at exit, can only name frames of code that is
  // still mapped.
  if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD | RTLD_NODELETE)) {
    dlclose(handle);
  }
}

bool LoadedPlugin::has_descriptor() const {
  return lib_.has(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
}

const PluginDescriptor& LoadedPlugin::descriptor() const {
  return lib_.get<const PluginDescriptor>(EVENTSTREAMS_PLUGIN_SYMBOL_NAME);
}

namespace {

template <typename Fn>
auto call_create(Fn fn, const char* what, const std::string& config_json, std::string& error)
    -> decltype(fn(PluginContext{}, error)) {
  if (fn == nullptr) {
    ADD_FAILURE() << "the descriptor has no " << what;
    return nullptr;
  }
  PluginContext context;
  context.config_json = config_json;
  return fn(context, error);
}

}  // namespace

std::unique_ptr<SourceFactory> LoadedPlugin::create_source(const std::string& config_json,
                                                           std::string& error) const {
  return call_create(descriptor().create_source, "create_source", config_json, error);
}

std::unique_ptr<TransformFactory> LoadedPlugin::create_transform(const std::string& config_json,
                                                                 std::string& error) const {
  return call_create(descriptor().create_transform, "create_transform", config_json, error);
}

std::unique_ptr<EncoderFactory> LoadedPlugin::create_encoder(const std::string& config_json,
                                                             std::string& error) const {
  return call_create(descriptor().create_encoder, "create_encoder", config_json, error);
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

// Calls the create function of `kind`; whatever it makes is destroyed at once.
bool create(const LoadedPlugin& plugin, PluginKind kind, const std::string& config_json,
            std::string& error) {
  switch (kind) {
    case PluginKind::kSource:
      return plugin.create_source(config_json, error) != nullptr;
    case PluginKind::kTransform:
      return plugin.create_transform(config_json, error) != nullptr;
    case PluginKind::kEncoder:
      return plugin.create_encoder(config_json, error) != nullptr;
  }
  ADD_FAILURE() << "unknown plugin kind " << static_cast<unsigned>(kind);
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
  ASSERT_EQ(plugin.descriptor().kind, expected.kind);
  std::string error;
  EXPECT_FALSE(create(plugin, expected.kind, expected.bad_config, error));
  EXPECT_NE(error.find(expected.error_fragment), std::string::npos) << error;
}

}  // namespace
}  // namespace eventstreams::testing
