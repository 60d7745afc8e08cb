#include "client_config.h"

#include <array>
#include <cstdlib>

#include "log_sink.h"

namespace eventstreams::kafka {
namespace {

// Every client.
const Properties kCommonDefaults = {
    {"client.id", "eventstreams"},
    {"socket.keepalive.enable", "true"},
    // A metadata request must not create a topic a client merely asked for (SPEC 4: 503).
    {"allow.auto.create.topics", "false"},
    // Brokers close idle connections; that is not worth an error line per client.
    {"log.connection.close", "false"},
};

// Readers, tuned for a live tail with many idle clients. A real broker answers a fetch as
// soon as fetch.min.bytes are there, so fetch.wait.max.ms paces idle re-fetches, and bounds
// how long a pooled consumer's next reader may wait for the last fetch of the previous one
// (consumer_pool.h): 100 ms, not librdkafka's 500 (an idle reader then asks 10 times a
// second, which a broker does not notice). The mock cluster always waits the full time, so
// embedded mode uses a shorter one.
const Properties kReaderDefaults = {
    {"fetch.min.bytes", "1"},
    // The prefetch of one reader: catch-up memory is about this per client. 4 MB is enough
    // since FetchRefill restarts a fetcher the moment its queue runs dry (fetch_refill.h).
    {"queued.max.messages.kbytes", "4096"},
    // Needed by assign(); the group is never joined and nothing is committed.
    {"group.id", "eventstreams-unused"},
};

// Readers cannot work otherwise: never commit or store offsets, no EOF events, and an
// assigned offset found out of range goes to the end (SPEC 2).
const Properties kReaderForced = {
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
    {"enable.partition.eof", "false"},
    {"auto.offset.reset", "latest"},
};

bool is_broker_list(const std::string& key) {
  return key == "metadata.broker.list" || key == "bootstrap.servers";
}

}  // namespace

Properties client_properties(const KafkaConfig& config, ClientRole role,
                             const std::string& bootstrap) {
  Properties props = kCommonDefaults;
  if (role == ClientRole::kReader) {
    props.insert(props.end(), kReaderDefaults.begin(), kReaderDefaults.end());
    props.emplace_back("fetch.wait.max.ms", config.embedded ? "50" : "100");
  }
  for (const auto& p : config.properties) {
    if (!bootstrap.empty() && is_broker_list(p.first)) continue;
    // The metadata client is a plain consumer; a group would only add coordinator traffic.
    if (role == ClientRole::kMetadata && p.first == "group.id") continue;
    props.push_back(p);
  }
  if (!bootstrap.empty()) props.emplace_back("bootstrap.servers", bootstrap);
  if (role == ClientRole::kReader) {
    props.insert(props.end(), kReaderForced.begin(), kReaderForced.end());
  }
  return props;
}

std::chrono::milliseconds fetch_wait(const Properties& props) {
  std::chrono::milliseconds wait{500};
  for (const auto& [key, value] : props) {
    if (key != "fetch.wait.max.ms") continue;
    char* end = nullptr;
    const long v = std::strtol(value.c_str(), &end, 10);
    if (end != value.c_str() && *end == '\0' && v >= 0) wait = std::chrono::milliseconds(v);
  }
  return wait;
}

ConfPtr make_conf(const Properties& props, LogSink* sink, std::string& error) {
  ConfPtr conf(rd_kafka_conf_new());
  std::array<char, 512> errstr{};
  for (const auto& [key, value] : props) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr.data(), errstr.size()) !=
        RD_KAFKA_CONF_OK) {
      error = std::string("kafka: ") + errstr.data();
      return nullptr;
    }
  }
  if (sink != nullptr) sink->install(conf.get());
  return conf;
}

rd_kafka_t* new_client(rd_kafka_type_t type, ConfPtr conf, std::string& error) {
  std::array<char, 512> errstr{};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr.data(), errstr.size());
  if (rk == nullptr) {
    error = std::string("kafka: ") + errstr.data();
    return nullptr;  // conf still ours: the unique_ptr destroys it
  }
  (void)conf.release();  // rd_kafka_new took it
  return rk;
}

}  // namespace eventstreams::kafka
