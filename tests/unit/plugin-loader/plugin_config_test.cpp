// check_plugin_config and describe_plugin_config over hand-made descriptors.
#include "plugin-loader/plugin_config.h"

#include <gtest/gtest.h>

#include "eventstreams/config_keys.h"

namespace eventstreams::plugin_loader {
namespace {

constexpr ConfigKey kKeys[] = {
    {"retry_ms", ConfigType::kUnsigned, nullptr, "how long to wait"},
    {"names", ConfigType::kStringList, "[]", "some names"},
    {"section", ConfigType::kMap, "{}", "a map"},
};
constexpr ConfigTable kTable = config_table(kKeys);
constexpr ConfigTable kNoKeys{nullptr, 0};

PluginDescriptor descriptor(const ConfigTable* table) {
  return PluginDescriptor{kAbiVersion,
                          sizeof(PluginDescriptor),
                          kAbiIdentity,
                          PluginKind::kEncoder,
                          "demo",
                          "2.1",
                          nullptr,
                          nullptr,
                          nullptr,
                          table};
}

TEST(PluginConfig, AConfigThatFitsTheTablePasses) {
  const auto d = descriptor(&kTable);
  EXPECT_EQ(check_plugin_config(d, "{}"), "");
  EXPECT_EQ(check_plugin_config(d, R"({"retry_ms":5,"names":["a"],"section":{"x":1}})"), "");
  EXPECT_EQ(check_plugin_config(d, R"({"section":null})"), "");  // YAML's empty value
}

TEST(PluginConfig, UnknownKeysAndWrongTypesAreNamed) {
  const auto d = descriptor(&kTable);
  EXPECT_EQ(check_plugin_config(d, R"({"retry_msec":5})"),
            R"(unknown key "retry_msec" (did you mean "retry_ms"?))");
  EXPECT_EQ(check_plugin_config(d, R"({"zzz":5})"),
            R"(unknown key "zzz" (known keys: retry_ms, names, section))");
  EXPECT_EQ(check_plugin_config(d, R"({"retry_ms":-1})"),
            R"("retry_ms" must be a non-negative integer, got a number)");
  EXPECT_EQ(check_plugin_config(d, R"({"names":"a"})"),
            R"("names" must be a list of strings, got a string)");
  EXPECT_EQ(check_plugin_config(d, R"({"names":["a",{}]})"),
            R"("names"[1] must be a string, got an object)");
  EXPECT_EQ(check_plugin_config(descriptor(&kNoKeys), R"({"a":1})"),
            R"(unknown key "a" (this plugin takes no settings))");
}

TEST(PluginConfig, APluginWithoutATableIsNotChecked) {
  EXPECT_EQ(check_plugin_config(descriptor(nullptr), R"({"anything":[1,2]})"), "");
}

TEST(PluginConfig, HelpListsEveryKeyWithTypeDefaultAndHelp) {
  EXPECT_EQ(describe_plugin_config(descriptor(&kTable), "/p/libdemo.so"),
            "demo 2.1 (encoder, /p/libdemo.so)\n"
            "keys of plugins.config.demo:\n"
            "  retry_ms    non-negative integer, no default\n"
            "      how long to wait\n"
            "  names       list of strings, default []\n"
            "      some names\n"
            "  section     map, default {}\n"
            "      a map\n");
  EXPECT_EQ(describe_plugin_config(descriptor(&kNoKeys), "/p/x.so"),
            "demo 2.1 (encoder, /p/x.so)\ntakes no settings\n");
  EXPECT_NE(describe_plugin_config(descriptor(nullptr), "/p/x.so").find("unchecked"),
            std::string::npos);
}

}  // namespace
}  // namespace eventstreams::plugin_loader
