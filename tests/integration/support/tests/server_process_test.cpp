// ServerProcess against es_fake_host, a stand-in that logs like the host binary.
#include "support/server_process.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "support/http_client.h"

namespace eventstreams::testing {
namespace {

ServerOptions fake() {
  ServerOptions o;
  o.binary = ES_FAKE_HOST;
  return o;
}

TEST(ServerProcess, StartsServesAndStops) {
  ServerConfig config;
  config.kafka_bootstrap = "127.0.0.1:9";
  config.streams = {{"edits", {"dc1.edit", "dc2.edit"}}, {"single", {"topicA"}}};
  config.extra_yaml = "heartbeat_interval: 1";
  ServerProcess server(config, fake());
  ASSERT_GT(server.port(), 0);
  EXPECT_TRUE(server.running());

  HttpResponse r = get(server.port(), "/_info");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "fake");
  EXPECT_TRUE(server.wait_for_log("\"line\":\"GET /_info HTTP/1.1\""));
  EXPECT_NE(server.log_text().find("\"first_line\":\"kafka:\""), std::string::npos)
      << server.log_text();

  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(server.stop(), 0);  // idempotent
  EXPECT_NE(server.log_text().find("stopping"), std::string::npos);
}

TEST(ServerProcess, ConfigYaml) {
  ServerConfig config;
  config.kafka_bootstrap = "127.0.0.1:1234";
  config.kafka = {{"socket.timeout.ms", "1000"}};
  config.streams = {{"s", {"a\"b"}}};
  config.extra_yaml = "max_connections: 5";
  EXPECT_EQ(ServerProcess::config_yaml(config, "/tmp/streams.yaml"),
            "kafka:\n"
            "  metadata.broker.list: \"127.0.0.1:1234\"\n"
            "  \"socket.timeout.ms\": \"1000\"\n"
            "interface: \"127.0.0.1\"\n"
            "stream_config_uri: \"/tmp/streams.yaml\"\n"
            "max_connections: 5\n");
  EXPECT_EQ(ServerProcess::streams_yaml(config.streams), "\"s\":\n  topics: [\"a\\\"b\"]\n");
}

TEST(ServerProcess, StartFailureThrowsWithOutput) {
  ServerOptions o = fake();
  o.extra_args = {"--bogus"};
  try {
    ServerProcess server("kafka: {}\n", o);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown argument --bogus"), std::string::npos)
        << e.what();
  }
}

TEST(ServerProcess, RunAndCapture) {
  RunResult r = run_capture({ES_FAKE_HOST, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("usage:"), std::string::npos);
  RunResult bad = run_capture({ES_FAKE_HOST, "--config", "/nonexistent"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.output.find("cannot read config"), std::string::npos);
  RunResult slow = run_capture({"sleep", "10"}, std::chrono::milliseconds(200));
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.exit_code, -9);
}

TEST(ServerProcess, BinaryPathDefaultsToTheBuildTree) {
  if (std::getenv("ES_HOST_BINARY")) GTEST_SKIP() << "ES_HOST_BINARY is set";
  EXPECT_NE(ServerProcess::binary_path().find("eventstreams"), std::string::npos);
}

}  // namespace
}  // namespace eventstreams::testing
