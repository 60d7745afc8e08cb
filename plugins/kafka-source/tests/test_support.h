// Helpers for the Kafka source tests: a fake host, a producer into the mock cluster, and a
// reader drain loop that waits on notify_fd() the way the host does.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "eventstreams/event_batch.h"
#include "eventstreams/host_services.h"
#include "eventstreams/source.h"

namespace eventstreams::kafka::test {

class FakeCounter final : public Counter {
 public:
  void add(std::uint64_t n) noexcept override { value_ += n; }
  std::uint64_t value() const noexcept override { return value_; }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class FakeHost final : public HostServices {
 public:
  void log(LogLevel level, std::string_view message,
           std::string_view fields_json) noexcept override;
  Counter* counter(std::string_view name, std::string_view help,
                   std::string_view labels) noexcept override;
  std::int64_t now_ms() const noexcept override;

  std::vector<std::string> messages() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> messages_;
  std::map<std::string, std::unique_ptr<FakeCounter>> counters_;
};

struct TestMessage {
  std::int32_t partition = 0;
  std::optional<std::string> key;
  std::string value;
  std::int64_t timestamp = 0;  // 0: producer's clock
};

// Produces `messages` into `topic` and waits until all are delivered; returns the number of
// delivery failures (0 expected).
int produce(const std::string& bootstrap, const std::string& topic,
            const std::vector<TestMessage>& messages);

struct ReadEvent {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::int64_t timestamp = 0;
  bool has_key = false;
  std::string key;
  std::string value;
};

struct ReadResult {
  std::vector<ReadEvent> events;
  SourceStatus status;  // the first not-ok poll, else Ok
  std::size_t polls = 0;
};

// Waits on the reader's notify_fd (poll(2), with the remaining time) and drains the reader
// until it returns fewer than `max_per_poll` events, until `want` events arrived, an error
// came, or `timeout` passed.
ReadResult read_events(SourceReader& reader, std::size_t want, std::chrono::milliseconds timeout,
                       std::size_t max_per_poll = 64);

// `{"kafka": {"bootstrap.servers": ..., "fetch.wait.max.ms": 10}}` plus `extra` members
// (JSON text without braces, may be empty).
std::string broker_config(const std::string& bootstrap, const std::string& extra = {});

}  // namespace eventstreams::kafka::test
