// A synchronous Kafka producer for tests: every call returns once Kafka has acknowledged the
// messages, with their offsets.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

typedef struct rd_kafka_s rd_kafka_t;

namespace eventstreams::testing {

struct ProduceMessage {
  std::string topic;
  int32_t partition = -1;  // -1: let the partitioner choose
  std::string value;
  std::optional<std::string> key;
  std::optional<int64_t> timestamp_ms;  // CreateTime; now when absent
};

struct Delivery {
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = -1;
};

class Producer {
 public:
  using Duration = std::chrono::milliseconds;

  // A producer for KafkaBroker::shared() (starting it if needed).
  Producer();
  // A producer for `bootstrap` ("host:port,...").
  explicit Producer(const std::string& bootstrap);
  // The same with more (or other) librdkafka settings, e.g. message.max.bytes for large
  // messages or message.timeout.ms to outlast a broker restart.
  Producer(const std::string& bootstrap, const std::map<std::string, std::string>& config);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Produces one message and waits for its delivery report; returns its offset. Throws
  // std::runtime_error if delivery fails or times out.
  int64_t produce(const std::string& topic, int32_t partition, std::string_view value,
                  std::optional<std::string_view> key = std::nullopt,
                  std::optional<int64_t> timestamp_ms = std::nullopt,
                  Duration timeout = std::chrono::seconds(30));

  // Produces all messages (in order), flushes, and returns their offsets in the same order.
  std::vector<int64_t> produce_many(const std::vector<ProduceMessage>& messages,
                                    Duration timeout = std::chrono::seconds(30));
  // The same, with partition, offset and timestamp of each.
  std::vector<Delivery> produce_many_detailed(const std::vector<ProduceMessage>& messages,
                                              Duration timeout = std::chrono::seconds(30));
  // Produces a tombstone (a null value, not an empty one), keyed or not; returns its offset.
  int64_t produce_tombstone(const std::string& topic, int32_t partition,
                            std::optional<std::string_view> key = std::nullopt,
                            Duration timeout = std::chrono::seconds(30));

 private:
  struct Pending {
    bool delivered = false;
    int err = 0;
    Delivery delivery;
  };
  // produce_many_detailed, with null values instead of the messages' values when asked.
  std::vector<Delivery> send(const std::vector<ProduceMessage>& messages, bool null_values,
                             Duration timeout);
  static void on_delivery(rd_kafka_t* rk, const void* msg, void* opaque);

  rd_kafka_t* rk_ = nullptr;
  // Messages awaiting their delivery report, by the id passed as the message opaque (a report
  // for a message given up on finds nothing here and is ignored).
  std::unordered_map<uint64_t, Pending> pending_;
  uint64_t next_id_ = 1;
};

}  // namespace eventstreams::testing
