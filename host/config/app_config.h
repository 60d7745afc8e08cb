// The application config file (YAML), validated at start-up. Key names follow the original
// service where it had them (SPEC 1, issue 2); an unknown key or a wrong type is an error
// that names the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eventstreams::config {

struct PluginsConfig {
  std::vector<std::string> directories;  // empty: the host's own plugin folders
  std::string source = "kafka";
  std::vector<std::string> encoders{"sse", "ndjson"};  // the first is the default format
  // Server-side filtering (SPEC 2.3) is on unless a site says otherwise (`transforms: []`).
  std::vector<std::string> transforms{"filter"};
  std::map<std::string, YAML::Node> config;  // per plugin name
};

struct AppConfig {
  // What the config says that this server does not use (keys of the original service and of
  // service-runner), one sentence each; logged at start-up, never fatal.
  std::vector<std::string> warnings;

  std::string config_path;  // the file it was read from
  std::string config_dir;   // its folder, for relative paths

  int port = 8092;
  std::string interface = "0.0.0.0";

  std::string stream_config_uri;  // resolved: absolute path or http(s) URL ("" with `streams`)
  // stream_config_uri_options.headers: sent with an http(s) fetch (e.g. User-Agent, Host).
  std::map<std::string, std::string> stream_config_headers;
  // PEM file of more CAs to trust for https fetches (stream config, schemas), besides the
  // system's store.
  std::string https_ca_file;
  // The original's inline `streams:` map, used when no stream_config_uri is given.
  YAML::Node inline_streams;
  std::string stream_config_object_path;
  YAML::Node stream_config_defaults;
  // Seconds between re-reads of stream_config_uri; 0: only at start-up and on SIGHUP.
  std::int64_t stream_config_ttl = 0;
  std::optional<std::vector<std::string>> allowed_streams;

  // Where the OpenAPI spec (GET /?spec) finds each stream's schema when the stream config has
  // none inline: a relative "$schema" is tried against each base in turn (absolute paths,
  // file:// or http:// URLs; relative paths resolved against the config file). With
  // schema_latest_version, a stream without "$schema" but with a schema_title gets
  // "/<schema_title>/<schema_latest_version>".
  std::vector<std::string> schema_base_uris;
  std::string schema_latest_version;
  std::map<std::string, std::string> schema_uri_headers;  // schema_uri_options.headers

  YAML::Node kafka;  // passed to the source plugin as is
  PluginsConfig plugins;

  std::int64_t heartbeat_interval_ms = 15000;
  std::int64_t start_timeout_ms = 10000;         // bound on resolving positions before headers
  std::int64_t request_head_timeout_ms = 10000;  // bound on a request head's arrival
  std::string cors = "*";
  std::string content_security_policy =
      "default-src 'self'; object-src 'none'; media-src *; img-src *; style-src *; frame-ancestors "
      "'self'";
  int max_connections = 0;             // 0: no limit
  int client_ip_connection_limit = 0;  // 0: no limit
  std::vector<std::string> trusted_proxies;
  std::int64_t client_buffer_bytes = 4 << 20;  // unsent bytes before a slow client is dropped
  int event_loops = 0;                         // 0: one per core, at most 4
  int live_hub_clients = 256;                  // clients per live hub before the next loop gets one
  std::int64_t live_hub_linger_ms = 5000;      // an empty live hub keeps its reader this long
  std::int64_t live_replay_bytes = 4 << 20;    // recent batches a live hub keeps for resumes
  std::int64_t catch_up_replay_bytes = 1 << 20;  // the same per catch-up hub, for crowds
  int http_threads = 16;
  // Connections accepted and waiting for an HTTP thread; beyond it a connection is answered
  // 503 at once by the overload responder instead of waiting.
  int http_max_queued = 16384;
  int listen_backlog = 4096;  // the kernel caps it at net.core.somaxconn
  std::string log_level = "info";

  std::string info_name = "eventstreams";
  std::string info_description = "Streams Kafka topics to HTTP clients as Server-Sent Events";
  std::string info_home = "https://github.com/wikimedia/mediawiki-services-eventstreams";
};

// Reads and validates the file; throws ConfigError naming the key or file.
AppConfig load_app_config(const std::string& path);

// Validates an already-parsed document (for tests).
AppConfig parse_app_config(const YAML::Node& root, const std::string& config_dir);

}  // namespace eventstreams::config
