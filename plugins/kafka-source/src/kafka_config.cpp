#include "kafka_config.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "plugin_common/config_table.h"

namespace eventstreams::kafka {

// One key of the plugin's own, `kafka`, whose members go to librdkafka as they are (a
// pass-through: librdkafka knows its hundreds of properties, and rejects the ones it does not
// know when a client is made), save the four of the source itself listed after it. Those
// have dotted names: they document members of `kafka`, which parse_kafka_config checks
// itself; the host only ever checks top-level keys.
constexpr ConfigKey kConfigKeys[] = {
    {"kafka", ConfigType::kMap, nullptr,
     "librdkafka properties, passed through as is (strings, numbers or booleans), e.g. "
     "bootstrap.servers, security.protocol; the app config's `kafka:` map. metadata.broker.list "
     "or bootstrap.servers is required unless embedded"},
    {"kafka.embedded", ConfigType::kBoolean, "false",
     "run librdkafka's mock cluster in-process with a demo feed instead of a real broker"},
    {"kafka.embedded_events_per_second", ConfigType::kNumber, "5",
     "demo events produced per second per topic (0 to 100000)"},
    {"kafka.embedded_partitions", ConfigType::kInteger, "1",
     "partitions of each mock topic (1 to 1000)"},
    {"kafka.consumer_pool_size", ConfigType::kInteger, "8",
     "idle reader consumers kept to serve the next readers instead of creating and destroying "
     "one per reader (librdkafka 2.0.2 leaks ~1.6 KB per consumer); 0 to 1000, 0 turns reuse "
     "off"},
    {"kafka.consumer_pool_idle_ms", ConfigType::kInteger, "30000",
     "an idle pooled consumer unused this long is destroyed (with it go its threads and broker "
     "connections, which librdkafka keeps up while the consumer lives); 0 keeps them for good"},
};
const ConfigTable kConfigTable = config_table(kConfigKeys);

namespace {

// The top-level part of the table: only `kafka`.
constexpr ConfigTable kTopLevel{kConfigKeys, 1};

constexpr std::string_view kEmbedded = "embedded";
constexpr std::string_view kEventsPerSecond = "embedded_events_per_second";
constexpr std::string_view kPartitions = "embedded_partitions";
constexpr std::string_view kPoolSize = "consumer_pool_size";
constexpr std::string_view kPoolIdleMs = "consumer_pool_idle_ms";
constexpr double kMaxPoolIdleMs = 86400000;  // a day
constexpr double kMaxEventsPerSecond = 100000;
constexpr int kMaxPartitions = 1000;
constexpr int kMaxPoolSize = 1000;

std::string json_number_text(const rapidjson::Value& v) {
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  const double d = v.GetDouble();
  // librdkafka integer properties reject "100.0": write integral doubles as integers.
  if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15) {
    return std::to_string(static_cast<long long>(d));
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  writer.Double(d);
  return buf.GetString();
}

std::optional<bool> as_bool(const rapidjson::Value& v) {
  if (v.IsBool()) return v.GetBool();
  if (v.IsString()) {
    const std::string_view s(v.GetString(), v.GetStringLength());
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return std::nullopt;
}

std::optional<double> as_number(const rapidjson::Value& v) {
  if (v.IsNumber()) return v.GetDouble();
  if (v.IsString() && v.GetStringLength() > 0) {
    const std::string s(v.GetString(), v.GetStringLength());
    errno = 0;
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (errno == 0 && end == s.c_str() + s.size() && std::isfinite(d)) return d;
  }
  return std::nullopt;
}

bool has_value(const Properties& props, std::string_view key) {
  for (const auto& [k, v] : props) {
    if (k == key && !v.empty()) return true;
  }
  return false;
}

}  // namespace

std::optional<KafkaConfig> parse_kafka_config(std::string_view json, std::string& error) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    error = std::string("kafka source config is not valid JSON: ") +
            rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
            std::to_string(doc.GetErrorOffset());
    return std::nullopt;
  }
  if (!doc.IsObject()) {
    error = "kafka source config must be a JSON object";
    return std::nullopt;
  }
  // Top-level keys by the table (only `kafka`); `kafka`'s own members are checked below.
  if (std::string problem =
          plugin_common::check_config(doc, kTopLevel, plugin_common::NumberWording::kKind);
      !problem.empty()) {
    error = "kafka source config: " + problem;
    return std::nullopt;
  }
  KafkaConfig config;
  // Through const references: RapidJSON's mixed const/non-const iterator comparisons are
  // ambiguous in C++20.
  const rapidjson::Value& root = doc;
  const auto section = root.FindMember("kafka");
  if (section != root.MemberEnd()) {
    if (!section->value.IsObject()) {
      error = "kafka: must be a map of librdkafka properties";
      return std::nullopt;
    }
    for (const auto& m : section->value.GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      const rapidjson::Value& v = m.value;
      if (key == kEmbedded) {
        const auto b = as_bool(v);
        if (!b) {
          error = "kafka.embedded must be a boolean";
          return std::nullopt;
        }
        config.embedded = *b;
      } else if (key == kEventsPerSecond) {
        const auto d = as_number(v);
        if (!d || *d < 0 || *d > kMaxEventsPerSecond) {
          error = "kafka.embedded_events_per_second must be a number from 0 to 100000";
          return std::nullopt;
        }
        config.embedded_events_per_second = *d;
      } else if (key == kPartitions) {
        const auto d = as_number(v);
        if (!d || *d < 1 || *d > kMaxPartitions || *d != std::trunc(*d)) {
          error = "kafka.embedded_partitions must be an integer from 1 to 1000";
          return std::nullopt;
        }
        config.embedded_partitions = static_cast<int>(*d);
      } else if (key == kPoolSize) {
        const auto d = as_number(v);
        if (!d || *d < 0 || *d > kMaxPoolSize || *d != std::trunc(*d)) {
          error = "kafka.consumer_pool_size must be an integer from 0 to 1000";
          return std::nullopt;
        }
        config.consumer_pool_size = static_cast<int>(*d);
      } else if (key == kPoolIdleMs) {
        const auto d = as_number(v);
        if (!d || *d < 0 || *d > kMaxPoolIdleMs || *d != std::trunc(*d)) {
          error = "kafka.consumer_pool_idle_ms must be an integer from 0 to 86400000";
          return std::nullopt;
        }
        config.consumer_pool_idle_ms = static_cast<std::int64_t>(*d);
      } else if (v.IsString()) {
        config.properties.emplace_back(key, std::string(v.GetString(), v.GetStringLength()));
      } else if (v.IsBool()) {
        config.properties.emplace_back(key, v.GetBool() ? "true" : "false");
      } else if (v.IsNumber()) {
        config.properties.emplace_back(key, json_number_text(v));
      } else {
        error = "kafka." + key + " must be a string, number or boolean";
        return std::nullopt;
      }
    }
  }
  if (config.embedded) {
    // The mock cluster's own address replaces any configured broker list.
    std::erase_if(config.properties, [](const auto& p) {
      return p.first == "metadata.broker.list" || p.first == "bootstrap.servers";
    });
  } else if (!has_value(config.properties, "metadata.broker.list") &&
             !has_value(config.properties, "bootstrap.servers")) {
    error =
        "kafka: metadata.broker.list or bootstrap.servers is required (or embedded: true for "
        "the in-process demo cluster)";
    return std::nullopt;
  }
  return config;
}

}  // namespace eventstreams::kafka
