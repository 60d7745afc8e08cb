// YAML nodes as JSON text: how plugin config crosses the plugin boundary.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace eventstreams::config {

// Scalars that read as booleans, integers or floats become JSON literals; other scalars are
// strings (a quoted YAML scalar stays a string). Null becomes null.
std::string yaml_to_json(const YAML::Node& node);

// Deep merge: members of `overlay` replace or extend `base` (maps merged recursively).
YAML::Node deep_merge(const YAML::Node& base, const YAML::Node& overlay);

}  // namespace eventstreams::config
