// librdkafka configurations for each kind of client the plugin creates.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <string>

#include "kafka_config.h"

namespace eventstreams::kafka {

class LogSink;

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

enum class ClientRole {
  kMetadata,  // the factory's long-lived client: metadata, watermarks, offsetsForTimes
  kReader,    // one consumer per reader: assigned partitions, never a group member
};

// Properties for `role`: the plugin's defaults, then the user's `kafka:` properties (which
// override defaults), then the settings the role cannot work without. `bootstrap` (the mock
// cluster's address in embedded mode) replaces the broker list when not empty.
Properties client_properties(const KafkaConfig& config, ClientRole role,
                             const std::string& bootstrap);

// The fetch.wait.max.ms that `props` set (the last value counts, as in librdkafka), or
// librdkafka's default (500) when they set none or an unreadable one.
std::chrono::milliseconds fetch_wait(const Properties& props);

// Builds a conf from `props` and routes its logs to `sink` (may be null). On failure returns
// null with librdkafka's message, which names the property.
ConfPtr make_conf(const Properties& props, LogSink* sink, std::string& error);

// Creates a client; takes the conf in every case. Null with librdkafka's message on failure.
rd_kafka_t* new_client(rd_kafka_type_t type, ConfPtr conf, std::string& error);

}  // namespace eventstreams::kafka
