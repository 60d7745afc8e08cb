// What the streaming integration tests share: topics on the shared broker, a server on them,
// and the events clients receive, decoded.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "request/last_event_id.h"
#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing {

using namespace std::chrono_literals;

// One delivered event, decoded from its SSE frame (or NDJSON line).
struct Received {
  std::string topic;
  int partition = -1;
  std::int64_t offset = -1;
  std::string id;    // the SSE id (JSON array text)
  std::string data;  // the payload
};

rapidjson::Document parse_json(const std::string& text);
// Decodes an event's payload meta (topic, partition, offset).
Received decode(const SseEvent& event);
Received decode_line(const std::string& line);
// An ISO 8601 UTC date-time with milliseconds.
std::string iso8601(std::int64_t ms);
std::int64_t now_ms();
// The positions an SSE id names, read back the way the server reads a Last-Event-ID (the id's
// exact form is the server's: compact per-topic objects, resume_ids.h). Fails the test if the
// id does not parse.
std::vector<request::LastEventIdEntry> id_positions(const std::string& id);
// "topic/partition/offset" keys, for set comparisons.
std::string key_of(const Received& r);

class StreamingTest : public ::testing::Test {
 protected:
  KafkaBroker& broker() { return KafkaBroker::shared(); }
  std::string topic(const std::string& prefix, int partitions = 1);
  // Starts a server with `streams` (name -> topics) and optional extra top-level YAML.
  void start_server(const std::map<std::string, std::vector<std::string>>& streams,
                    const std::string& extra_yaml = "");
  std::unique_ptr<StreamClient> open(const std::string& target, const Headers& headers = {});
  // Opens a stream and reads until the preamble (":ok") arrived, so positions are resolved.
  std::unique_ptr<StreamClient> open_ready(const std::string& target, const Headers& headers = {});
  // Reads `n` events; fails the test if they do not come within the timeout.
  std::vector<Received> read_events(StreamClient& client, std::size_t n,
                                    std::chrono::milliseconds timeout = 20s);
  // Expects no event within `quiet`.
  void expect_no_event(StreamClient& client, std::chrono::milliseconds quiet = 1500ms);

  Producer& producer();
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Producer> producer_;
};

}  // namespace eventstreams::testing
