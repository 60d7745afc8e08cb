// A config written for the original starts this server (issue 9 item 4, SPEC 1): a
// service-runner file shaped like the original's config.dev.yaml, with stream_config_uri and
// stream_config_ttl in services[0].conf, against the real broker; it streams, and the
// original's settings this server does not use are one warning each.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

TEST(OriginalConfig, AServiceRunnerFileOfTheOriginalStartsAndStreams) {
  auto& kafka = KafkaBroker::shared();
  const std::string topic = kafka.create_unique_topic("original", 1);
  TempDir dir("es-original-config-");
  const std::string streams =
      dir.write("stream-config.yaml", "test:\n  topics: [" + topic + "]\n  description: Test.\n");
  const std::string yaml = R"(# Number of worker processes to spawn.
num_workers: 0
worker_heap_limit_mb: 250
logging:
  level: info
  streams:
    - type: debug
metrics:
  type: log
  host: localhost
  port: 8125
services:
  - name: eventstreams
    module: ./app.js
    conf:
      port: 8000
      interface: 127.0.0.1
      spec: ./spec.yaml
      cors: '*'
      statistics_interval_ms: 5000
      stream_config_uri: )" +
                           ServerProcess::quote(streams) +
                           R"(
      stream_config_ttl: 60
      kafka:
        metadata.broker.list: )" +
                           ServerProcess::quote(kafka.bootstrap()) +
                           R"(
        statistics.interval.ms: 5000
)";
  ServerProcess server(yaml);
  for (const char* key : {"num_workers", "worker_heap_limit_mb", "logging", "metrics", "spec",
                          "statistics_interval_ms"}) {
    EXPECT_NE(server.log_text().find(std::string("config key '") + key + "'"), std::string::npos)
        << key << "\n"
        << server.log_text();
  }
  StreamClient client(server.port(), "/v2/stream/test");
  ASSERT_EQ(client.status(), 200);
  ASSERT_TRUE(client.raw_until(":ok\n\n", 10s));
  Producer producer;
  producer.produce(topic, 0, R"({"meta":{"domain":"test.example.org"},"n":1})");
  const auto event = client.next_event(15s);
  ASSERT_TRUE(event);
  EXPECT_NE(event->data.find("\"n\":1"), std::string::npos) << event->data;
}

}  // namespace
}  // namespace eventstreams::testing
