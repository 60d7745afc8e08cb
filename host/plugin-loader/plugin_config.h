// What the host does with a plugin's table of config keys (eventstreams/config_keys.h): check
// the plugin's config against it before the factory runs, and list it for --help-plugin.
#pragma once

#include <string>

#include "eventstreams/abi.h"

namespace eventstreams::plugin_loader {

// "" when `config_json` (a JSON object text, as the factory will get it) fits the plugin's
// table, else what is wrong: the first unknown key (with the nearest known one) or value of
// the wrong type. A plugin without a table gets its config unchecked ("").
std::string check_plugin_config(const PluginDescriptor& descriptor, const std::string& config_json);

// The --help-plugin text: the plugin's name, version, kind and file, then each key with its
// type, default and help.
std::string describe_plugin_config(const PluginDescriptor& descriptor, const std::string& path);

}  // namespace eventstreams::plugin_loader
