#include "http/openapi/stream_schemas.h"

#include <rapidjson/document.h>

#include <cctype>
#include <optional>
#include <set>

#include "config/yaml_json.h"

namespace eventstreams::http::openapi {
namespace {

bool has_scheme(const std::string& location) {
  const std::size_t colon = location.find("://");
  if (colon == std::string::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = location[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// One lookup: the schema text, or every reason the candidates gave.
struct Lookup {
  std::string json;
  std::string why_not;
};

class Resolver {
 public:
  Resolver(const config::AppConfig& config, const SchemaFetcher& fetch)
      : config_(config), fetch_(fetch) {}

  const Lookup& find(const std::string& location) {
    auto it = cache_.find(location);
    if (it != cache_.end()) return it->second;
    return cache_[location] = look_up(location);
  }

 private:
  Lookup look_up(const std::string& location) {
    Lookup out;
    if (has_scheme(location)) {
      try_one(location, location, out);
      return out;
    }
    if (config_.schema_base_uris.empty()) {
      out.why_not = "a relative location needs schema_base_uris";
      return out;
    }
    for (const auto& base : config_.schema_base_uris) {
      if (try_one(base, join_location(base, location), out)) return out;
    }
    return out;
  }

  // True when `uri` gave a schema object (then out.json is set).
  bool try_one(const std::string& base, const std::string& uri, Lookup& out) {
    auto add_reason = [&](const std::string& reason) {
      out.why_not += (out.why_not.empty() ? "" : "; ") + reason;
    };
    if (unreachable_.count(base)) {
      add_reason(uri + ": skipped, " + base + " was unreachable earlier");
      return false;
    }
    const FetchResult r = fetch_(uri);
    if (!r.ok) {
      if (r.unreachable) unreachable_.insert(base);
      add_reason(r.error);
      return false;
    }
    out.json = schema_object_json(r.body);
    if (out.json.empty()) {
      add_reason(uri + ": not a JSON or YAML object");
      return false;
    }
    out.why_not.clear();
    return true;
  }

  const config::AppConfig& config_;
  const SchemaFetcher& fetch_;
  std::map<std::string, Lookup> cache_;
  std::set<std::string> unreachable_;
};

}  // namespace

std::string schema_location(const config::AppConfig& config, const config::StreamDef& stream) {
  if (!stream.schema_uri.empty()) return stream.schema_uri;
  if (!stream.schema_title.empty() && !config.schema_latest_version.empty()) {
    return "/" + stream.schema_title + "/" + config.schema_latest_version;
  }
  return "";
}

std::string join_location(const std::string& base, const std::string& relative) {
  const bool base_slash = !base.empty() && base.back() == '/';
  const bool rel_slash = !relative.empty() && relative.front() == '/';
  if (base_slash && rel_slash) return base + relative.substr(1);
  if (base_slash || rel_slash) return base + relative;
  return base + "/" + relative;
}

std::string schema_object_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (!doc.HasParseError()) return doc.IsObject() ? text : "";
  try {
    const YAML::Node node = YAML::Load(text);
    return node.IsMap() ? config::yaml_to_json(node) : "";
  } catch (const YAML::Exception&) {
    return "";
  }
}

ResolvedSchemas resolve_stream_schemas(const config::AppConfig& config,
                                       const config::StreamCatalog& catalog,
                                       const SchemaFetcher& fetch) {
  ResolvedSchemas out;
  Resolver resolver(config, fetch);
  for (const auto& [name, stream] : catalog.streams) {
    if (stream.schema && !stream.schema.IsNull()) {
      if (stream.schema.IsMap()) {
        out.by_stream[name] = config::yaml_to_json(stream.schema);
      } else {
        out.problems.push_back("stream '" + name + "': its inline schema is not an object");
      }
      continue;
    }
    const std::string location = schema_location(config, stream);
    if (location.empty()) continue;  // nothing to look for: not a problem
    const Lookup& found = resolver.find(location);
    if (!found.json.empty()) {
      out.by_stream[name] = found.json;
    } else {
      out.problems.push_back("stream '" + name + "': schema " + location +
                             " not found: " + found.why_not);
    }
  }
  return out;
}

}  // namespace eventstreams::http::openapi
