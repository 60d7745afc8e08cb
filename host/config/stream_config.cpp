#include "config/stream_config.h"

#include <Poco/Exception.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "config/config_error.h"
#include "config/url_fetch.h"
#include "config/yaml_json.h"

namespace eventstreams::config {
namespace {

std::string scalar_or(const YAML::Node& n, const char* key, std::string fallback) {
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : fallback;
}

std::string fetch_document(const AppConfig& config) {
  FetchOptions options;
  options.headers = config.stream_config_headers;
  options.ca_file = config.https_ca_file;
  FetchResult r = fetch_url(config.stream_config_uri, options);
  if (!r.ok) throw ConfigError("stream config '" + r.error);
  return std::move(r.body);
}

}  // namespace

std::vector<std::string> StreamCatalog::all_topics() const {
  std::set<std::string> topics;
  for (const auto& [name, def] : streams) topics.insert(def.topics.begin(), def.topics.end());
  return {topics.begin(), topics.end()};
}

StreamCatalog build_stream_catalog(const YAML::Node& document, const std::string& object_path,
                                   const YAML::Node& defaults,
                                   const std::optional<std::vector<std::string>>& allowed,
                                   const std::string& source_name) {
  YAML::Node node = document;
  if (!object_path.empty()) {
    std::stringstream parts(object_path);
    std::string part;
    while (std::getline(parts, part, '.')) {
      if (!node.IsMap() || !node[part]) {
        throw ConfigError("stream config '" + source_name + "': stream_config_object_path '" +
                          object_path + "' not found (at '" + part + "')");
      }
      node = node[part];
    }
  }
  if (!node.IsMap()) {
    throw ConfigError("stream config '" + source_name + "': expected a map of stream names");
  }
  StreamCatalog catalog;
  // allowed_streams names streams, as the original reads it: an allowed stream brings its
  // aliases; an alias alone does not expose a stream that is not allowed.
  std::optional<std::set<std::string>> keep;
  if (allowed) keep.emplace(allowed->begin(), allowed->end());
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    if (name.empty() || name.front() == '/') continue;  // regex names are not streams here
    if (keep && !keep->count(name)) continue;
    YAML::Node settings = kv.second;
    if (defaults && defaults.IsMap()) settings = deep_merge(defaults, settings);
    if (!settings.IsMap()) continue;
    const YAML::Node topics = settings["topics"];
    if (!topics || !topics.IsSequence() || topics.size() == 0) continue;
    StreamDef def;
    def.name = name;
    for (const auto& t : topics) {
      if (!t.IsScalar() || t.Scalar().empty()) {
        throw ConfigError("stream config '" + source_name + "': stream '" + name +
                          "' has a topic that is not a string");
      }
      def.topics.push_back(t.Scalar());
    }
    def.description = scalar_or(settings, "description", name + " events.");
    def.schema_title = scalar_or(settings, "schema_title", "");
    def.schema_uri = scalar_or(settings, "$schema", "");
    if (settings["schema"]) def.schema = YAML::Clone(settings["schema"]);
    std::vector<std::string> aliases;
    if (const YAML::Node a = settings["stream_aliases"]; a && a.IsSequence()) {
      for (const auto& alias : a) aliases.push_back(alias.Scalar());
    }
    for (const auto& alias : aliases) {
      StreamDef copy = def;
      copy.name = alias;
      copy.alias_of = name;
      copy.description = def.description + " (alias of " + name + ")";
      catalog.streams[alias] = std::move(copy);
    }
    catalog.streams[name] = std::move(def);
  }
  if (catalog.streams.empty()) {
    throw ConfigError("stream config '" + source_name + "': no stream remains (streams need " +
                      "'topics'; regex names and streams outside allowed_streams are ignored)");
  }
  return catalog;
}

StreamCatalog load_stream_catalog(const AppConfig& config) {
  if (config.stream_config_uri.empty() && config.inline_streams.IsMap()) {
    // The original's inline `streams:`.
    return build_stream_catalog(config.inline_streams, "", config.stream_config_defaults,
                                config.allowed_streams, "streams (in " + config.config_path + ")");
  }
  const std::string& uri = config.stream_config_uri;
  YAML::Node doc;
  try {
    if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
      doc = YAML::Load(fetch_document(config));
    } else {
      const std::string path = uri.rfind("file://", 0) == 0 ? uri.substr(7) : uri;
      // Refused before yaml-cpp 0.7 opens it: its Stream leaks its read buffer when reading
      // a directory throws from the constructor (found by LeakSanitizer).
      std::error_code ec;
      if (std::filesystem::is_directory(path, ec)) {
        throw ConfigError("stream config '" + uri + "': is a directory");
      }
      doc = YAML::LoadFile(path);
    }
  } catch (const YAML::BadFile&) {
    throw ConfigError("stream config '" + uri + "': cannot be read");
  } catch (const YAML::Exception& e) {
    throw ConfigError("stream config '" + uri + "': " + e.what());
  } catch (const Poco::Exception& e) {
    throw ConfigError("stream config '" + uri + "': " + e.displayText());
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    // e.g. std::ios_base::failure when the path is a directory
    throw ConfigError("stream config '" + uri + "': " + e.what());
  }
  return build_stream_catalog(doc, config.stream_config_object_path, config.stream_config_defaults,
                              config.allowed_streams, uri);
}

}  // namespace eventstreams::config
