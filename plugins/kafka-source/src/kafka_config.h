// The plugin's configuration: the app config's `kafka:` section, parsed once at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eventstreams/config_keys.h"

namespace eventstreams::kafka {

// librdkafka properties in the order they were given, values as text.
using Properties = std::vector<std::pair<std::string, std::string>>;

struct KafkaConfig {
  // Every key of the `kafka:` section except the plugin's own ones, for librdkafka.
  Properties properties;
  // Plugin keys.
  bool embedded = false;                       // run librdkafka's mock cluster in-process
  double embedded_events_per_second = 5;       // demo feed rate over all topics, 0 = no feed
  int embedded_partitions = 1;                 // partitions of each topic the mock creates
  int consumer_pool_size = 8;                  // idle reader consumers kept for reuse, 0 = none
  std::int64_t consumer_pool_idle_ms = 30000;  // an idle consumer unused this long goes, 0 = never
};

// Parses PluginContext::config_json: `{"kafka": {...}}`. Values of librdkafka keys may be
// strings, numbers or booleans (converted to text). The plugin's own keys accept their JSON
// type or a string spelling it (YAML converters may stringify scalars). Without `embedded`,
// `metadata.broker.list` or `bootstrap.servers` is required. On failure returns nullopt and
// says why in `error`.
// The plugin's config keys (exported in its descriptor): `kafka`, a pass-through to
// librdkafka, and the source's own members of it.
extern const ConfigTable kConfigTable;

std::optional<KafkaConfig> parse_kafka_config(std::string_view json, std::string& error);

}  // namespace eventstreams::kafka
