// Finds plugins in directories, indexes them by name, and makes the configured factories.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/app_config.h"
#include "eventstreams/encoder.h"
#include "eventstreams/host_services.h"
#include "eventstreams/source.h"
#include "eventstreams/transform.h"
#include "plugin-loader/plugin_library.h"

namespace eventstreams::plugin_loader {

// The factories a server runs with, in configured order. Destroying it destroys every
// factory before unloading its library.
struct LoadedPlugins {
  PluginObject<SourceFactory> source;
  std::string source_name;
  std::vector<PluginObject<EncoderFactory>> encoders;  // the first is the default format
  std::vector<std::string> encoder_names;
  std::vector<PluginObject<TransformFactory>> transforms;
  std::vector<std::string> transform_names;
};

// One file (or directory) a survey looked at.
struct SurveyEntry {
  std::string path;
  std::shared_ptr<PluginLibrary> library;  // null when refused
  std::string refusal;                     // "wrong ABI", "not a plugin", ... when refused
  std::string reason;                      // why, without the path
};

class PluginRegistry {
 public:
  // Loads every *.so in `directories` like scan(), but goes on past what it refuses and
  // reports every file: for `eventstreams --list-plugins`. A missing directory, a file that
  // does not load and a name already given by an earlier file are entries with a refusal.
  static std::vector<SurveyEntry> survey(const std::vector<std::string>& directories);

  // Loads every *.so in `directories`; throws ConfigError naming the file on the first one
  // that cannot serve, or on a name given by two files.
  void scan(const std::vector<std::string>& directories);

  // The folders searched when the config names none: beside the binary (build tree), then
  // the install prefix.
  static std::vector<std::string> default_directories();

  // Makes the factories the config asks for; throws ConfigError naming the plugin.
  LoadedPlugins instantiate(const config::AppConfig& config, HostServices& host) const;

  std::vector<std::string> names() const;
  // The plugin of that name, or null (for --help-plugin).
  const PluginLibrary* library(const std::string& name) const;

  // The JSON config text plugin `name` gets: its `plugins.config.<name>` map, plus the app's
  // `kafka:` map for the source. Throws ConfigError when that entry is not a map.
  static std::string plugin_config_json(const config::AppConfig& config, const std::string& name,
                                        bool is_source);

  static const char* kind_name(PluginKind kind);

 private:
  std::shared_ptr<PluginLibrary> find(const std::string& name, PluginKind kind) const;

  std::vector<std::string> directories_;
  std::map<std::string, std::shared_ptr<PluginLibrary>> by_name_;
};

}  // namespace eventstreams::plugin_loader
