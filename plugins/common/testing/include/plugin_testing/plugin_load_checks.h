// Loads a built plugin module with Boost.DLL the way the host does (host/plugin-loader) and
// checks what every plugin must get right: the descriptor, and a config error that comes back
// as null plus a message rather than an exception. Each in-tree plugin instantiates the
// checks with its own expectations:
//
//   INSTANTIATE_TEST_SUITE_P(Sse, PluginLoadTest,
//                            ::testing::Values(PluginLoadCase{.path = ES_SSE_PLUGIN_PATH, ...}),
//                            PluginLoadTest::ParamName);
//
// and drives its factory further through LoadedPlugin in tests of its own.
#pragma once

#include <gtest/gtest.h>

#include <boost/dll/shared_library.hpp>
#include <memory>
#include <ostream>
#include <string>

#include "eventstreams/abi.h"
#include "eventstreams/encoder.h"
#include "eventstreams/source.h"
#include "eventstreams/transform.h"

namespace eventstreams::testing {

// A plugin module, loaded as the host loads it (local binding, symbols bound at load) and, as
// the host keeps it, never unmapped: the process exits with the module still there.
class LoadedPlugin {
 public:
  explicit LoadedPlugin(const std::string& path);

  bool has_descriptor() const;
  const PluginDescriptor& descriptor() const;

  // Calls the descriptor's create function of that kind with `config_json` (and no host
  // services): the factory, or null with the reason in `error`. A descriptor without that
  // function is a test failure.
  std::unique_ptr<SourceFactory> create_source(const std::string& config_json,
                                               std::string& error) const;
  std::unique_ptr<TransformFactory> create_transform(const std::string& config_json,
                                                     std::string& error) const;
  std::unique_ptr<EncoderFactory> create_encoder(const std::string& config_json,
                                                 std::string& error) const;

 private:
  boost::dll::shared_library lib_;
};

// What a plugin module must declare, and a config its create function must refuse.
struct PluginLoadCase {
  std::string path;            // the built module
  PluginKind kind;             // the descriptor's kind; its create function is the only one set
  std::string name;            // the descriptor's name (also the test name suffix)
  std::string version;         // the descriptor's version
  std::string bad_config;      // config_json the create function refuses ...
  std::string error_fragment;  // ... with an error that contains this
};

// How gtest shows a case (in test lists and failures): by the plugin's name.
void PrintTo(const PluginLoadCase& c, std::ostream* os);

// The shared checks (plugin_load_checks.cpp): DescriptorMatchesAbi, ConfigErrorComesBackAsNull.
class PluginLoadTest : public ::testing::TestWithParam<PluginLoadCase> {
 public:
  static std::string ParamName(const ::testing::TestParamInfo<PluginLoadCase>& info);
};

}  // namespace eventstreams::testing
