// Config validation (issue 2 item 2): unknown keys, wrong types, defaults, relative paths.
#include "config/app_config.h"

#include <gtest/gtest.h>

#include "config/config_error.h"
#include "config/stream_config.h"

namespace eventstreams::config {
namespace {

AppConfig parse(const std::string& yaml) {
  return parse_app_config(YAML::Load(yaml), "/etc/es");
}

std::string error_of(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(AppConfig, MinimalConfigGetsDefaults) {
  const AppConfig c = parse("stream_config_uri: streams.yaml\nkafka: {embedded: true}\n");
  EXPECT_EQ(c.port, 8092);
  EXPECT_EQ(c.interface, "0.0.0.0");
  EXPECT_EQ(c.stream_config_uri, "/etc/es/streams.yaml");  // relative to the config file
  EXPECT_EQ(c.heartbeat_interval_ms, 15000);
  EXPECT_EQ(c.plugins.source, "kafka");
  EXPECT_EQ(c.plugins.encoders, (std::vector<std::string>{"sse", "ndjson"}));
  EXPECT_TRUE(c.plugins.directories.empty());
  EXPECT_FALSE(c.allowed_streams.has_value());
  EXPECT_EQ(c.live_hub_clients, 256);
  EXPECT_EQ(c.live_hub_linger_ms, 5000);
  EXPECT_EQ(c.live_replay_bytes, 4 << 20);
}

TEST(AppConfig, LiveHubClientsIsAPositiveCount) {
  EXPECT_EQ(parse("stream_config_uri: s\nkafka: {}\nlive_hub_clients: 1000\n").live_hub_clients,
            1000);
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nlive_hub_clients: 0\n"),
            "config key 'live_hub_clients': must be between 1 and 1073741824");
}

TEST(AppConfig, TrustedProxiesAreAddressesOrBlocks) {
  EXPECT_EQ(parse("stream_config_uri: s\nkafka: {}\ntrusted_proxies: [10.0.0.1, 10.1.0.0/16, "
                  "'fd00::/8']\n")
                .trusted_proxies,
            (std::vector<std::string>{"10.0.0.1", "10.1.0.0/16", "fd00::/8"}));
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\ntrusted_proxies: [10.0.0.1, proxy.local]\n"),
            "config key 'trusted_proxies[1]': 'proxy.local' is not an IP address or CIDR block "
            "(e.g. 10.0.0.0/8)");
  EXPECT_NE(error_of("stream_config_uri: s\nkafka: {}\ntrusted_proxies: [10.0.0.0/40]\n"), "");
}

TEST(AppConfig, KeepsTheOriginalKeyNames) {
  const AppConfig c = parse(R"(
port: 6927
interface: 127.0.0.1
stream_config_uri: /abs/streams.yaml
stream_config_object_path: a.b
stream_config_defaults: {description: x}
allowed_streams: [one, two]
kafka: {metadata.broker.list: "localhost:9092"}
heartbeat_interval_ms: 5000
plugins:
  directories: [/opt/p]
  source: kafka
  encoders: [sse]
  transforms: [redaction]
  config: {redaction: {x: 1}}
)");
  EXPECT_EQ(c.port, 6927);
  EXPECT_EQ(c.interface, "127.0.0.1");
  EXPECT_EQ(c.stream_config_uri, "/abs/streams.yaml");
  EXPECT_EQ(c.stream_config_object_path, "a.b");
  EXPECT_EQ(c.stream_config_defaults["description"].Scalar(), "x");
  EXPECT_EQ(*c.allowed_streams, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(c.kafka["metadata.broker.list"].Scalar(), "localhost:9092");
  EXPECT_EQ(c.heartbeat_interval_ms, 5000);
  EXPECT_EQ(c.plugins.directories, (std::vector<std::string>{"/opt/p"}));
  EXPECT_EQ(c.plugins.transforms, (std::vector<std::string>{"redaction"}));
  EXPECT_EQ(c.plugins.config.at("redaction")["x"].Scalar(), "1");
}

TEST(AppConfig, UrlsAreNotMadeRelative) {
  EXPECT_EQ(parse("stream_config_uri: http://h/s.yaml\nkafka: {}\n").stream_config_uri,
            "http://h/s.yaml");
}

TEST(AppConfig, UnknownKeyIsNamed) {
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nprot: 1\n"),
            "config key 'prot': unknown key");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nplugins: {dirs: []}\n"),
            "config key 'plugins.dirs': unknown key");
}

TEST(AppConfig, AMisspeltKeyGetsTheNearestKnownOne) {
  // The rule of plugin keys (config_keys.h): at most a third of the letters differ.
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nclient_buffer_byte: 1\n"),
            "config key 'client_buffer_byte': unknown key (did you mean 'client_buffer_bytes'?)");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nheartbeat_interval: 1\n"),
            "config key 'heartbeat_interval': unknown key (did you mean "
            "'heartbeat_interval_ms'?)");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nplugins: {transform: []}\n"),
            "config key 'plugins.transform': unknown key (did you mean 'transforms'?)");
  // Nothing near: no guess.
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nzzzzzzzz: 1\n"),
            "config key 'zzzzzzzz': unknown key");
}

TEST(AppConfig, WrongTypesAreNamed) {
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nport: abc\n"),
            "config key 'port': expected an integer, got 'abc'");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nport: 70000\n"),
            "config key 'port': must be between 0 and 65535");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: []\n"),
            "config key 'kafka': expected a map, got a list");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nallowed_streams: x\n"),
            "config key 'allowed_streams': expected a list of strings, got a scalar");
  EXPECT_EQ(error_of("stream_config_uri: [a]\nkafka: {}\n"),
            "config key 'stream_config_uri': expected a string, got a list");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nlog_level: loud\n"),
            "config key 'log_level': must be one of debug, info, warn, error");
}

TEST(AppConfig, ListenBacklogAndHttpQueue) {
  const AppConfig d = parse("stream_config_uri: s\nkafka: {}\n");
  EXPECT_EQ(d.listen_backlog, 4096);
  EXPECT_EQ(d.http_max_queued, 16384);
  const AppConfig c =
      parse("stream_config_uri: s\nkafka: {}\nlisten_backlog: 128\nhttp_max_queued: 2\n");
  EXPECT_EQ(c.listen_backlog, 128);
  EXPECT_EQ(c.http_max_queued, 2);
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nhttp_max_queued: 0\n"),
            "config key 'http_max_queued': must be between 1 and 1000000");
  EXPECT_EQ(error_of("stream_config_uri: s\nkafka: {}\nlisten_backlog: 70000\n"),
            "config key 'listen_backlog': must be between 1 and 65535");
}

TEST(AppConfig, RequiredKeys) {
  EXPECT_EQ(error_of("kafka: {}\n"),
            "config key 'stream_config_uri': is required (or the original's inline 'streams')");
  EXPECT_EQ(error_of("stream_config_uri: s\n"), "config key 'kafka': is required");
  EXPECT_EQ(error_of("- a\n- b\n"), "config: the document must be a map of keys");
}

// A config written for the original (issue 9 item 4): service-runner's file, the app config in
// services[0].conf; the original's keys this server has no use for are warnings, not errors.
TEST(AppConfig, TheOriginalsServiceRunnerFileIsReadFromItsFirstServicesConf) {
  const AppConfig c = parse(R"(
num_workers: 0
worker_heap_limit_mb: 250
logging: {level: info, streams: [{type: debug}]}
metrics: {type: log, host: localhost, port: 8125}
services:
  - name: eventstreams
    module: ./app.js
    conf:
      port: 8000
      spec: ./spec.yaml
      cors: '*'
      statistics_interval_ms: 5000
      stream_config_uri: streams.yaml
      stream_config_ttl: 60
      stream_config_uri_options: {headers: {User-Agent: eventstreams-test, Host: meta.example}}
      kafka: {metadata.broker.list: 'localhost:9092'}
)");
  EXPECT_EQ(c.port, 8000);
  EXPECT_EQ(c.stream_config_ttl, 60);
  EXPECT_EQ(c.stream_config_headers.at("User-Agent"), "eventstreams-test");
  EXPECT_EQ(c.stream_config_headers.at("Host"), "meta.example");
  ASSERT_EQ(c.warnings.size(), 6u);
  const std::string all = [&] {
    std::string s;
    for (const auto& w : c.warnings) s += w + "\n";
    return s;
  }();
  for (const char* key : {"'num_workers'", "'worker_heap_limit_mb'", "'logging'", "'metrics'",
                          "'spec'", "'statistics_interval_ms'"}) {
    EXPECT_NE(all.find(key), std::string::npos) << key << "\n" << all;
  }
}

TEST(AppConfig, TheOriginalsInlineStreamsAndCspAreRead) {
  const AppConfig c = parse(
      "csp: \"default-src 'none'\"\nkafka: {}\nstreams: {test: {topics: [datacenter1.test]}}\n");
  EXPECT_TRUE(c.stream_config_uri.empty());
  EXPECT_TRUE(c.inline_streams.IsMap());
  EXPECT_EQ(c.content_security_policy, "default-src 'none'");
  EXPECT_EQ(load_stream_catalog(c).find("test")->topics,
            std::vector<std::string>{"datacenter1.test"});
}

TEST(AppConfig, AServiceRunnerFileNeedsAConf) {
  EXPECT_EQ(error_of("services: [{name: x}]\n"),
            "config key 'services[0].conf': expected a map (the app config)");
  EXPECT_EQ(error_of("services: []\n"),
            "config key 'services': expected a list of services, the first with a 'conf' map");
  // Our own keys still fail when misspelt, inside a conf too.
  EXPECT_EQ(error_of("services: [{conf: {stream_config_url: s, kafka: {}}}]\n"),
            "config key 'stream_config_url': unknown key (did you mean 'stream_config_uri'?)");
}

TEST(AppConfig, UnreadableFileIsNamed) {
  try {
    load_app_config("/nonexistent/eventstreams.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "config file '/nonexistent/eventstreams.yaml': cannot be read");
  }
}

}  // namespace
}  // namespace eventstreams::config
