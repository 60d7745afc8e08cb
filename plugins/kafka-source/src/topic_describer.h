// Partition counts of topics, from topic-specific metadata requests, cached briefly.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "eventstreams/source.h"

namespace eventstreams::kafka {

class TopicDescriber {
 public:
  using Clock = std::chrono::steady_clock;

  // `rk` is borrowed (thread-safe). Topics found are cached for `ttl`; missing topics are
  // asked again every time, so a topic created later shows up at once.
  TopicDescriber(rd_kafka_t* rk, std::chrono::milliseconds ttl) noexcept : rk_(rk), ttl_(ttl) {}

  // One TopicPartitions per topic, in order. kTopicNotFound names the first missing topic
  // (unknown, or no partitions); kTimeout / kUnavailable when the cluster does not answer
  // within `timeout_ms` in total. Thread-safe.
  SourceStatus describe(const std::vector<std::string>& topics, std::vector<TopicPartitions>& out,
                        int timeout_ms);

 private:
  SourceStatus fetch(const std::string& topic, std::int32_t& partitions, int timeout_ms);

  struct Entry {
    std::int32_t partitions = 0;
    Clock::time_point fetched;
  };

  rd_kafka_t* rk_;
  std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;
};

}  // namespace eventstreams::kafka
