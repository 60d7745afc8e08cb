// libFuzzer harness for the application config: the bytes as a YAML file, loaded and validated
// as load_app_config does. A bad document must end in ConfigError (or yaml-cpp's own
// exception, which load_app_config turns into one), never a crash or any other exception.
// What crosses the plugin boundary (yaml_to_json of the kafka and plugin settings) must be
// valid JSON.
#include <rapidjson/document.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/app_config.h"
#include "config/config_error.h"
#include "config/yaml_json.h"

namespace {

void check_json(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    std::fprintf(stderr, "yaml_to_json gave invalid JSON: %s\n", json.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const YAML::Node root = YAML::Load(text);
    const auto config = eventstreams::config::parse_app_config(root, "/nonexistent/config-dir");
    check_json(eventstreams::config::yaml_to_json(config.kafka));
    for (const auto& [name, node] : config.plugins.config) {
      check_json(eventstreams::config::yaml_to_json(node));
    }
  } catch (const eventstreams::config::ConfigError&) {
  } catch (const YAML::Exception&) {
  }
  return 0;
}
