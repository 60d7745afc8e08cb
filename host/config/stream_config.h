// The stream catalog: stream names mapped to Kafka topics (SPEC 1).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/app_config.h"

namespace eventstreams::config {

struct StreamDef {
  std::string name;
  std::vector<std::string> topics;
  std::string description;
  std::string schema_title;
  std::string schema_uri;  // the stream's "$schema"
  YAML::Node schema;       // a JSON schema object, when configured
  std::optional<std::string> alias_of;
};

class StreamCatalog {
 public:
  std::map<std::string, StreamDef> streams;  // sorted by name

  const StreamDef* find(const std::string& name) const {
    auto it = streams.find(name);
    return it == streams.end() ? nullptr : &it->second;
  }
  // Every topic of every stream, sorted, without duplicates.
  std::vector<std::string> all_topics() const;
};

// Builds the catalog from a stream config document: applies the object path, merges the
// defaults under every stream, drops regex names ("/...") and streams without topics,
// expands aliases, keeps only `allowed` when given. Throws ConfigError when nothing remains
// or the document has the wrong shape.
StreamCatalog build_stream_catalog(const YAML::Node& document, const std::string& object_path,
                                   const YAML::Node& defaults,
                                   const std::optional<std::vector<std::string>>& allowed,
                                   const std::string& source_name);

// Reads the document from the config's stream_config_uri (a local path, file:// or
// http:// URL; YAML or JSON) and builds the catalog. Throws ConfigError naming the file.
StreamCatalog load_stream_catalog(const AppConfig& config);

}  // namespace eventstreams::config
