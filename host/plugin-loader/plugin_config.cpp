#include "plugin-loader/plugin_config.h"

#include <rapidjson/document.h>

#include <algorithm>

#include "eventstreams/config_keys.h"
#include "plugin-loader/plugin_registry.h"
#include "plugin_common/config_table.h"

namespace eventstreams::plugin_loader {

std::string check_plugin_config(const PluginDescriptor& descriptor,
                                const std::string& config_json) {
  if (descriptor.config == nullptr) return {};
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  // The host made this text from YAML, so it parses; should it not, the plugin says why.
  if (doc.HasParseError()) return {};
  return plugin_common::check_config(doc, *descriptor.config, plugin_common::NumberWording::kKind);
}

std::string describe_plugin_config(const PluginDescriptor& descriptor, const std::string& path) {
  std::string out = std::string(descriptor.name) + " " + descriptor.version + " (" +
                    PluginRegistry::kind_name(descriptor.kind) + ", " + path + ")\n";
  const ConfigTable* table = descriptor.config;
  if (table == nullptr) {
    return out + "declares no config keys: its plugins.config." + descriptor.name +
           " is passed to it unchecked\n";
  }
  if (table->count == 0) return out + "takes no settings\n";
  out += "keys of plugins.config." + std::string(descriptor.name) + ":\n";
  std::size_t width = 0;
  for (const ConfigKey& k : *table) width = std::max(width, std::string_view(k.name).size());
  for (const ConfigKey& k : *table) {
    std::string line = "  " + std::string(k.name);
    line.append(width + 4 - std::string_view(k.name).size(), ' ');
    line += config_type_name(k.type);
    line += k.default_json != nullptr ? std::string(", default ") + k.default_json
                                      : std::string(", no default");
    out += line + "\n      " + k.help + "\n";
  }
  return out;
}

}  // namespace eventstreams::plugin_loader
