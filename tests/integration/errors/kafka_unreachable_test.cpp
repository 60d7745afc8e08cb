// SPEC 4: Kafka unreachable or timing out while positions are resolved is a 502 / 504
// `kafka_error` problem, answered within the configured bound, and the server stays up.
#include <gtest/gtest.h>

#include <chrono>

#include "support/http_client.h"
#include "support/server_process.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

TEST(KafkaUnreachable, StreamRequestIsAKafkaErrorWithinTheBound) {
  ServerConfig config;
  config.kafka_bootstrap = "127.0.0.1:1";  // nothing listens there
  config.streams = {{"s", {"some.topic"}}};
  config.extra_yaml = "start_timeout_ms: 1500\n";
  ServerProcess server(config);
  const auto started = std::chrono::steady_clock::now();
  const auto r = get(server.port(), "/v2/stream/s", {}, 20s);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(r.status == 502 || r.status == 504) << r.status << " " << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  EXPECT_NE(r.body.find("\"type\":\"kafka_error\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"uri\":\"/v2/stream/s\""), std::string::npos) << r.body;
  EXPECT_LT(took, 10s);
  // /healthz says the same; the server still answers.
  EXPECT_EQ(get(server.port(), "/healthz", {}, 20s).status, 503);
  EXPECT_EQ(get(server.port(), "/_info").status, 200);
}

}  // namespace
}  // namespace eventstreams::testing
