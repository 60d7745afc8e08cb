// A site's own plugin, built out of tree (examples/strip-user-comments), dropped into a
// plugin folder and named in the config, changes what clients receive (issue 3).
#include <gtest/gtest.h>

#include <chrono>

#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

TEST(ExamplePlugin, OutOfTreeTransformIsLoadedAndApplied) {
  auto& broker = KafkaBroker::shared();
  const std::string t = broker.create_unique_topic("example-plugin", 1);
  Producer producer(broker.bootstrap());
  producer.produce_many({
      {t, 0,
       R"({"title":"A","user":"ExampleEditor","comment":"secret","parsedcomment":"<b>secret</b>"})"},
      {t, 0, R"({"title":"B","user":"Someone","comment":"visible","parsedcomment":"visible"})"},
  });
  ServerConfig config;
  config.kafka_bootstrap = broker.bootstrap();
  config.streams = {{"s", {t}}};
  config.extra_yaml = std::string("plugins:\n  directories: [") + ES_HOST_PLUGIN_DIR + ", " +
                      ES_EXAMPLE_PLUGIN_DIR +
                      "]\n  transforms: [strip-user-comments]\n  config:\n"
                      "    strip-user-comments: {users: [ExampleEditor]}\n";
  ServerProcess server(config);
  StreamClient c(server.port(), "/v2/stream/s",
                 {{"Last-Event-ID", R"([{"topic":")" + t + R"(","partition":0,"offset":0}])"}},
                 20s);
  ASSERT_EQ(c.status(), 200);
  auto first = c.next_event(20s);
  auto second = c.next_event(20s);
  ASSERT_TRUE(first && second) << server.log_text();
  EXPECT_EQ(first->data, R"({"title":"A","user":"ExampleEditor","meta":{"topic":")" + t +
                             R"(","partition":0,"offset":0}})");
  EXPECT_NE(second->data.find(R"("comment":"visible")"), std::string::npos) << second->data;
  EXPECT_NE(second->data.find(R"("parsedcomment":"visible")"), std::string::npos);
}

TEST(ExamplePlugin, ItsConfigErrorsAreNamedAtStartUp) {
  auto& broker = KafkaBroker::shared();
  const std::string config_yaml =
      std::string("stream_config_uri: streams.yaml\nkafka: {metadata.broker.list: \"") +
      broker.bootstrap() + "\"}\nplugins:\n  directories: [" + ES_HOST_PLUGIN_DIR + ", " +
      ES_EXAMPLE_PLUGIN_DIR +
      "]\n  transforms: [strip-user-comments]\n  config:\n    strip-user-comments: {usres: [x]}\n";
  ServerConfig probe;
  const std::string dir = ::testing::TempDir();
  {
    std::FILE* f = std::fopen((dir + "/example-config.yaml").c_str(), "w");
    std::fputs(config_yaml.c_str(), f);
    std::fclose(f);
    f = std::fopen((dir + "/streams.yaml").c_str(), "w");
    std::fputs("s: {topics: [x]}\n", f);
    std::fclose(f);
  }
  const auto r =
      ServerProcess::run_and_capture({"--check-config", "--config", dir + "/example-config.yaml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("unknown config key 'usres'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("strip-user-comments"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace eventstreams::testing
