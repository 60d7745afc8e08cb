// A plugin that fails on every call (failing_encoder_plugin.cpp): the request that picks it
// fails cleanly (a 5xx problem, or a stream that ends), nothing it held stays counted, and the
// host goes on serving every other request, streams already open included.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "faults_util.h"
#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/metrics_text.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing::faults {
namespace {

using namespace std::chrono_literals;

class PluginFailure : public ::testing::TestWithParam<std::string> {};

TEST_P(PluginFailure, TheRequestFailsCleanlyAndTheHostServesTheOthers) {
  const std::string mode = GetParam();
  auto& kafka = KafkaBroker::shared();
  const std::string topic = kafka.create_unique_topic("plugin-" + mode, 1);
  ServerProcess server(one_stream(
      kafka.bootstrap(), "edits", {topic},
      std::string("plugins:\n  directories: [") + ES_HOST_PLUGIN_DIR + ", " + ES_TEST_PLUGIN_DIR +
          "]\n  encoders: [sse, ndjson, failing]\n  config:\n    failing: {fail: " + mode + "}\n"));
  StreamClient open_before(server.port(), "/v2/stream/edits");
  ASSERT_EQ(open_before.status(), 200);
  ASSERT_TRUE(open_before.raw_until(":ok\n\n", 10s));

  for (int attempt = 0; attempt < 3; ++attempt) {
    SCOPED_TRACE("attempt " + std::to_string(attempt));
    // An answer, not a connection closed without one.
    std::unique_ptr<StreamClient> failing;
    ASSERT_NO_THROW(
        failing = std::make_unique<StreamClient>(server.port(), "/v2/stream/edits",
                                                 Headers{{"Accept", "application/x-failing"}}, 30s))
        << server.log_text();
    if (failing) {
      if (failing->status() == 200) {
        // Refused after the head: the stream ends at once.
        EXPECT_TRUE(failing->read_to_end(30s)) << "the failed stream did not end";
      } else {
        EXPECT_GE(failing->status(), 500);
        EXPECT_TRUE(failing->read_to_end(30s));
        EXPECT_EQ(failing->header("Content-Type").value_or(""), "application/json; charset=utf-8");
        EXPECT_NE(failing->raw().find("\"status\":" + std::to_string(failing->status())),
                  std::string::npos)
            << failing->raw();
      }
      std::cerr << "[faults] " << mode << ": " << failing->status() << " "
                << failing->raw().substr(0, 200) << "\n";
    }
    ASSERT_TRUE(server.running()) << server.log_text();
  }
  // Nothing of the failed requests stays counted.
  EXPECT_TRUE(wait_for_gauges(server.port(), {{"eventstreams_connections", 1}}, 30s));

  // The stream open before, and a new one, get the next event.
  StreamClient after(server.port(), "/v2/stream/edits", {{"Accept", "application/json"}});
  ASSERT_EQ(after.status(), 200);
  ASSERT_TRUE(wait_for_gauges(server.port(), {{"eventstreams_connections", 2}}, 30s));
  Producer producer;
  producer.produce(topic, 0, event_json(1));
  auto ev = open_before.next_event(30s);
  ASSERT_TRUE(ev.has_value()) << server.log_text();
  EXPECT_EQ(position_of(ev->data).value_or(Position{}).offset, 0);
  auto line = after.next_line(30s);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(position_of(*line).value_or(Position{}).offset, 0);
  EXPECT_EQ(server.stop(30s), 0) << server.log_text();
}

INSTANTIATE_TEST_SUITE_P(EveryCall, PluginFailure,
                         ::testing::Values("preamble", "content_type", "create"));

}  // namespace
}  // namespace eventstreams::testing::faults
