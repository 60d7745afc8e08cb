#include "config/app_config.h"

#include <arpa/inet.h>

#include <charconv>
#include <filesystem>
#include <functional>
#include <set>

#include "config/config_error.h"
#include "eventstreams/config_keys.h"

namespace eventstreams::config {
namespace {

namespace fs = std::filesystem;

std::string type_name(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "null";
  }
}

[[noreturn]] void fail(const std::string& key, const std::string& what) {
  throw ConfigError("config key '" + key + "': " + what);
}

// "unknown key", naming the known key it is likely a typo of, by the rule plugin keys follow
// (eventstreams/config_keys.h).
[[noreturn]] void fail_unknown(const std::string& key, std::string_view name,
                               const std::vector<std::string_view>& known) {
  const std::ptrdiff_t i = nearest_name(known, name, [](std::string_view k) { return k; });
  if (i < 0) fail(key, "unknown key");
  const std::string_view best = known[static_cast<std::size_t>(i)];
  fail(key, "unknown key (did you mean '" + std::string(best) + "'?)");
}

std::string as_string(const YAML::Node& n, const std::string& key) {
  if (!n.IsScalar()) fail(key, "expected a string, got " + type_name(n));
  return n.Scalar();
}

std::int64_t as_int(const YAML::Node& n, const std::string& key, std::int64_t min,
                    std::int64_t max) {
  if (!n.IsScalar()) fail(key, "expected an integer, got " + type_name(n));
  std::int64_t v;
  try {
    std::size_t used = 0;
    v = std::stoll(n.Scalar(), &used, 10);
    if (used != n.Scalar().size()) throw std::invalid_argument("junk");
  } catch (const std::exception&) {
    fail(key, "expected an integer, got '" + n.Scalar() + "'");
  }
  if (v < min || v > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return v;
}

std::vector<std::string> as_string_list(const YAML::Node& n, const std::string& key) {
  if (!n.IsSequence()) fail(key, "expected a list of strings, got " + type_name(n));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    out.push_back(as_string(n[i], key + "[" + std::to_string(i) + "]"));
  }
  return out;
}

// An IPv4 / IPv6 address or CIDR block (http/client_address.cpp matches against them).
bool is_address_or_block(const std::string& entry) {
  const std::size_t slash = entry.find('/');
  const std::string address = entry.substr(0, slash);
  unsigned char buf[16];
  int bits = 0;
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
    bits = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    bits = 128;
  } else {
    return false;
  }
  if (slash == std::string::npos) return true;
  const char* first = entry.data() + slash + 1;
  const char* last = entry.data() + entry.size();
  int prefix = -1;
  const auto [end, ec] = std::from_chars(first, last, prefix);
  return first != last && ec == std::errc() && end == last && prefix >= 0 && prefix <= bits;
}

std::vector<std::string> as_address_list(const YAML::Node& n, const std::string& key) {
  auto out = as_string_list(n, key);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!is_address_or_block(out[i])) {
      fail(key + "[" + std::to_string(i) + "]",
           "'" + out[i] + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
    }
  }
  return out;
}

bool is_url(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("file://", 0) == 0;
}

// A local path becomes absolute (relative to the config file); URLs stay as they are.
std::string resolve_location(const std::string& location, const std::string& config_dir) {
  if (is_url(location)) return location;
  fs::path p(location);
  if (p.is_relative()) p = fs::path(config_dir) / p;
  return p.lexically_normal().string();
}

void parse_plugins(const YAML::Node& n, PluginsConfig& out) {
  if (!n.IsMap()) fail("plugins", "expected a map, got " + type_name(n));
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const std::string full = "plugins." + key;
    if (key == "directories") {
      out.directories = as_string_list(kv.second, full);
    } else if (key == "source") {
      out.source = as_string(kv.second, full);
    } else if (key == "encoders") {
      out.encoders = as_string_list(kv.second, full);
      if (out.encoders.empty()) fail(full, "needs at least one encoder");
    } else if (key == "transforms") {
      out.transforms = as_string_list(kv.second, full);
    } else if (key == "config") {
      if (!kv.second.IsMap()) fail(full, "expected a map of plugin name to config");
      for (const auto& p : kv.second) {
        out.config[p.first.Scalar()] = YAML::Clone(p.second);
      }
    } else {
      fail_unknown(full, key, {"directories", "source", "encoders", "transforms", "config"});
    }
  }
}

// Keys of the original service's conf (and of the service template it is built on) that
// this server has no use for, and why: a config written for the original starts here, with
// one warning each.
const std::map<std::string, std::string>& original_unused_keys() {
  static const std::map<std::string, std::string> keys{
      {"spec", "the OpenAPI spec is built from the stream config"},
      {"statistics_interval_ms", "metrics are served at /metrics"},
      {"user_agent", "not needed: requests to the stream config carry no user agent by default"},
      {"proxy", "outgoing requests go directly"},
      {"mw_api_request", "no MediaWiki API requests are made"},
      {"restbase_req", "no RESTBase requests are made"},
      {"ratelimiter", "connection limits are max_connections and client_ip_connection_limit"},
      {"kafka_topic_config", "topics are read, never created"},
  };
  return keys;
}

// service-runner's own settings beside `services:`; none of them applies to one C++ process.
const std::set<std::string>& service_runner_keys() {
  static const std::set<std::string> keys{"num_workers",
                                          "worker_heap_limit_mb",
                                          "worker_heartbeat_timeout",
                                          "logging",
                                          "metrics",
                                          "ratelimiter",
                                          "heapdump",
                                          "heap_watch",
                                          "package",
                                          "app_base_path"};
  return keys;
}

// A service-runner file (`services: [{name, module, conf}]`, as the original's config.yaml is)
// is read as its first service's conf; anything else is the app config itself.
YAML::Node app_config_root(const YAML::Node& root, std::vector<std::string>& warnings) {
  if (!root.IsMap() || !root["services"]) return root;
  const YAML::Node services = root["services"];
  if (!services.IsSequence() || services.size() == 0 || !services[0].IsMap()) {
    fail("services", "expected a list of services, the first with a 'conf' map");
  }
  const YAML::Node conf = services[0]["conf"];
  if (!conf || !conf.IsMap()) fail("services[0].conf", "expected a map (the app config)");
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    if (key == "services") continue;
    warnings.push_back("config key '" + key + "': " +
                       (service_runner_keys().count(key)
                            ? "a service-runner setting, ignored (one process serves everything)"
                            : "outside services[0].conf, ignored"));
  }
  if (services.size() > 1) warnings.push_back("config key 'services': only the first is served");
  return conf;
}

// stream_config_uri_options and schema_uri_options: what a fetch sends. Only `headers` (the
// original passes them to its HTTP client, e.g. User-Agent and Host).
std::map<std::string, std::string> parse_uri_options(const YAML::Node& n, const std::string& key) {
  if (!n.IsMap()) fail(key, "expected a map, got " + type_name(n));
  std::map<std::string, std::string> headers;
  for (const auto& kv : n) {
    const std::string name = kv.first.Scalar();
    if (name != "headers") fail(key + "." + name, "unknown key (only 'headers' is supported)");
    if (!kv.second.IsMap()) fail(key + ".headers", "expected a map of header name to value");
    for (const auto& h : kv.second) {
      headers[h.first.Scalar()] = as_string(h.second, key + ".headers." + h.first.Scalar());
    }
  }
  return headers;
}

}  // namespace

AppConfig parse_app_config(const YAML::Node& document, const std::string& config_dir) {
  if (!document.IsMap()) throw ConfigError("config: the document must be a map of keys");
  AppConfig c;
  const YAML::Node root = app_config_root(document, c.warnings);
  c.config_dir = config_dir;

  using Setter = std::function<void(const YAML::Node&, const std::string&)>;
  const std::map<std::string, Setter> keys = {
      {"port", [&](auto& n, auto& k) { c.port = static_cast<int>(as_int(n, k, 0, 65535)); }},
      {"interface", [&](auto& n, auto& k) { c.interface = as_string(n, k); }},
      {"stream_config_uri", [&](auto& n, auto& k) { c.stream_config_uri = as_string(n, k); }},
      {"stream_config_object_path",
       [&](auto& n, auto& k) { c.stream_config_object_path = as_string(n, k); }},
      {"stream_config_defaults",
       [&](auto& n, auto& k) {
         if (!n.IsMap()) fail(k, "expected a map, got " + type_name(n));
         c.stream_config_defaults = YAML::Clone(n);
       }},
      {"stream_config_uri_options",
       [&](auto& n, auto& k) { c.stream_config_headers = parse_uri_options(n, k); }},
      {"streams",
       [&](auto& n, auto& k) {
         if (!n.IsMap()) fail(k, "expected a map of stream name to stream config");
         c.inline_streams = YAML::Clone(n);
       }},
      {"csp", [&](auto& n, auto& k) { c.content_security_policy = as_string(n, k); }},
      {"https_ca_file", [&](auto& n, auto& k) { c.https_ca_file = as_string(n, k); }},
      {"stream_config_ttl",
       [&](auto& n, auto& k) { c.stream_config_ttl = as_int(n, k, 0, 7 * 24 * 3600); }},
      {"allowed_streams", [&](auto& n, auto& k) { c.allowed_streams = as_string_list(n, k); }},
      {"schema_base_uris", [&](auto& n, auto& k) { c.schema_base_uris = as_string_list(n, k); }},
      {"schema_latest_version",
       [&](auto& n, auto& k) { c.schema_latest_version = as_string(n, k); }},
      {"schema_uri_options",
       [&](auto& n, auto& k) { c.schema_uri_headers = parse_uri_options(n, k); }},
      {"kafka",
       [&](auto& n, auto& k) {
         if (!n.IsMap()) fail(k, "expected a map, got " + type_name(n));
         c.kafka = YAML::Clone(n);
       }},
      {"plugins", [&](auto& n, auto&) { parse_plugins(n, c.plugins); }},
      {"heartbeat_interval_ms",
       [&](auto& n, auto& k) { c.heartbeat_interval_ms = as_int(n, k, 0, 3600000); }},
      {"start_timeout_ms",
       [&](auto& n, auto& k) { c.start_timeout_ms = as_int(n, k, 100, 600000); }},
      {"request_head_timeout_ms",
       [&](auto& n, auto& k) { c.request_head_timeout_ms = as_int(n, k, 100, 600000); }},
      {"cors", [&](auto& n, auto& k) { c.cors = as_string(n, k); }},
      {"content_security_policy",
       [&](auto& n, auto& k) { c.content_security_policy = as_string(n, k); }},
      {"max_connections",
       [&](auto& n, auto& k) { c.max_connections = static_cast<int>(as_int(n, k, 0, 10000000)); }},
      {"client_ip_connection_limit",
       [&](auto& n, auto& k) {
         c.client_ip_connection_limit = static_cast<int>(as_int(n, k, 0, 10000000));
       }},
      {"trusted_proxies", [&](auto& n, auto& k) { c.trusted_proxies = as_address_list(n, k); }},
      {"client_buffer_bytes",
       [&](auto& n, auto& k) { c.client_buffer_bytes = as_int(n, k, 4096, 1LL << 32); }},
      {"live_hub_linger_ms",
       [&](auto& n, auto& k) { c.live_hub_linger_ms = as_int(n, k, 0, 24LL * 3600 * 1000); }},
      {"live_replay_bytes",
       [&](auto& n, auto& k) { c.live_replay_bytes = as_int(n, k, 0, 1LL << 32); }},
      {"catch_up_replay_bytes",
       [&](auto& n, auto& k) { c.catch_up_replay_bytes = as_int(n, k, 0, 1LL << 32); }},
      {"live_hub_clients",
       [&](auto& n, auto& k) { c.live_hub_clients = static_cast<int>(as_int(n, k, 1, 1 << 30)); }},
      {"event_loops",
       [&](auto& n, auto& k) { c.event_loops = static_cast<int>(as_int(n, k, 0, 64)); }},
      {"http_threads",
       [&](auto& n, auto& k) { c.http_threads = static_cast<int>(as_int(n, k, 1, 1024)); }},
      {"http_max_queued",
       [&](auto& n, auto& k) { c.http_max_queued = static_cast<int>(as_int(n, k, 1, 1000000)); }},
      {"listen_backlog",
       [&](auto& n, auto& k) { c.listen_backlog = static_cast<int>(as_int(n, k, 1, 65535)); }},
      {"log_level",
       [&](auto& n, auto& k) {
         c.log_level = as_string(n, k);
         static const std::set<std::string> levels{"debug", "info", "warn", "error"};
         if (!levels.count(c.log_level)) fail(k, "must be one of debug, info, warn, error");
       }},
      {"name", [&](auto& n, auto& k) { c.info_name = as_string(n, k); }},
      {"description", [&](auto& n, auto& k) { c.info_description = as_string(n, k); }},
      {"home", [&](auto& n, auto& k) { c.info_home = as_string(n, k); }},
  };

  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    auto it = keys.find(key);
    if (it != keys.end()) {
      it->second(kv.second, key);
    } else if (auto unused = original_unused_keys().find(key);
               unused != original_unused_keys().end()) {
      c.warnings.push_back("config key '" + key +
                           "': a setting of the original service, ignored (" + unused->second +
                           ")");
    } else {
      std::vector<std::string_view> known;
      for (const auto& entry : keys) known.push_back(entry.first);
      fail_unknown(key, key, known);
    }
  }

  if (c.stream_config_uri.empty() && !c.inline_streams.IsMap()) {
    fail("stream_config_uri", "is required (or the original's inline 'streams')");
  }
  if (!c.stream_config_uri.empty()) {
    c.stream_config_uri = resolve_location(c.stream_config_uri, config_dir);
  }
  for (auto& base : c.schema_base_uris) base = resolve_location(base, config_dir);
  if (!c.https_ca_file.empty()) c.https_ca_file = resolve_location(c.https_ca_file, config_dir);
  if (!c.kafka.IsDefined() || c.kafka.IsNull()) fail("kafka", "is required");
  return c;
}

AppConfig load_app_config(const std::string& path) {
  // Refused before yaml-cpp 0.7 opens it: its Stream leaks its read buffer when reading a
  // directory throws from the constructor (found by LeakSanitizer).
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw ConfigError("config file '" + path + "': is a directory");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError("config file '" + path + "': cannot be read");
  } catch (const YAML::Exception& e) {
    throw ConfigError("config file '" + path + "': " + e.what());
  } catch (const std::exception& e) {
    // e.g. std::ios_base::failure when the path is a directory
    throw ConfigError("config file '" + path + "': " + e.what());
  }
  const fs::path abs = fs::absolute(path);
  AppConfig c = parse_app_config(root, abs.parent_path().string());
  c.config_path = abs.string();
  return c;
}

}  // namespace eventstreams::config
