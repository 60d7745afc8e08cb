// Helpers for the Kafka source tests: a producer into the mock cluster, and a
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
#include "plugin_testing/fake_host.h"

namespace eventstreams::kafka::test {

// The plugins' one test double of the host (plugins/common/testing).
using eventstreams::testing::FakeHost;

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
