// The host as an operator drives it (issue 10): SIGHUP, as `systemctl reload` sends it,
// reloads the stream config and the server goes on serving; `eventstreams --list-plugins [--config
// FILE]` prints one tab-separated line per plugin and exits 1 when the config names one that is
// missing.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "eventstreams/abi.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

// Nothing listens on port 1; the host does not contact Kafka before a stream is asked for.
const ServerConfig kNoKafka{"127.0.0.1:1", {{"edits", {"t1"}}}, {}, ""};

std::string plugin_dir() {
  return std::filesystem::weakly_canonical(
             std::filesystem::path(ServerProcess::binary_path()).parent_path() / "plugins")
      .string();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.front() != '{') out.push_back(line);  // not a log record
  }
  return out;
}

TEST(Sighup, ReloadsAndTheServerGoesOnServing) {
  ServerProcess server(kNoKafka);
  ASSERT_EQ(get(server.port(), "/_info").status, 200);
  server.signal(SIGHUP);
  ASSERT_TRUE(server.wait_for_log("\"stream config reloaded\"", 10s)) << server.log_text();
  server.signal(SIGHUP);  // and again
  ASSERT_TRUE(server.running()) << server.log_text();
  EXPECT_EQ(get(server.port(), "/_info").status, 200);
  // SIGTERM still stops it cleanly.
  EXPECT_EQ(server.stop(10s), 0) << server.log_text();
  EXPECT_NE(server.log_text().find("\"stopped\""), std::string::npos) << server.log_text();
}

TEST(ListPlugins, WithoutAConfigListsTheDefaultDirectory) {
  const RunResult r = ServerProcess::run_and_capture({"--list-plugins"}, 20s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string dir = plugin_dir();
  EXPECT_EQ(lines_of(r.output),
            (std::vector<std::string>{
                "filter\ttransform\t1.0\t" + dir + "/libeventstreams-filter.so\t-",
                "kafka\tsource\t0.1.0\t" + dir + "/libeventstreams-kafka-source.so\t-",
                "ndjson\tencoder\t1.0\t" + dir +
                    "/libeventstreams-ndjson-encoder.so\tapplication/json,application/x-ndjson",
                "redaction\ttransform\t1.0\t" + dir + "/libeventstreams-redaction.so\t-",
                "sse\tencoder\t1.0\t" + dir + "/libeventstreams-sse-encoder.so\ttext/event-stream",
            }))
      << r.output;
}

TEST(ListPlugins, EveryPluginTheConfigNamesIsThere) {
  TempDir dir("es-ops-");
  const std::string config =
      dir.write("config.yaml",
                "stream_config_uri: streams.yaml\nkafka: {metadata.broker.list: \"127.0.0.1:1\"}\n"
                "plugins: {transforms: [filter]}\n");
  const RunResult r = ServerProcess::run_and_capture({"--list-plugins", "--config", config}, 20s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(lines_of(r.output).size(), 5u) << r.output;
}

TEST(ListPlugins, APluginTheConfigNamesThatIsMissingExitsOne) {
  TempDir dir("es-ops-");
  const std::string config =
      dir.write("config.yaml",
                "stream_config_uri: streams.yaml\nkafka: {metadata.broker.list: \"127.0.0.1:1\"}\n"
                "plugins:\n  encoders: [sse, text-plain]\n");
  const RunResult r = ServerProcess::run_and_capture({"--list-plugins", "--config", config}, 20s);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto lines = lines_of(r.output);
  ASSERT_EQ(lines.size(), 6u) << r.output;
  EXPECT_EQ(lines.back(), "text-plain\tmissing\t-\t-\tnamed in plugins.encoders, not found in [" +
                              plugin_dir() + "]");
}

TEST(ListPlugins, AFileTheHostWouldRefuseIsListedWithWhy) {
  TempDir dir("es-ops-");
  dir.write("libstale.so", "not an ELF file\n");
  const std::string config =
      dir.write("config.yaml",
                "stream_config_uri: streams.yaml\nkafka: {metadata.broker.list: \"127.0.0.1:1\"}\n"
                "plugins:\n  directories: [" +
                    plugin_dir() + ", " + dir.path() + "]\n");
  const RunResult r = ServerProcess::run_and_capture({"--list-plugins", "--config", config}, 20s);
  EXPECT_EQ(r.exit_code, 0) << r.output;  // the configured plugins are all there
  const auto lines = lines_of(r.output);
  ASSERT_EQ(lines.size(), 6u) << r.output;
  EXPECT_EQ(
      lines.back().rfind("-\trefused\t-\t" + dir.path() + "/libstale.so\tfailed to load: ", 0), 0u)
      << lines.back();
}

TEST(ListPlugins, ABadConfigExitsTwo) {
  TempDir dir("es-ops-");
  const std::string config = dir.write("config.yaml", "plugins: {sorce: kafka}\n");
  const RunResult r = ServerProcess::run_and_capture({"--list-plugins", "--config", config}, 20s);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("sorce"), std::string::npos) << r.output;
}

TEST(StartUp, APluginBuiltAgainstOtherHeadersIsRefusedNamingBothIdentities) {
  TempDir dir("es-ops-");
  dir.write("streams.yaml", "edits: {topics: [t1]}\n");
  const std::string config =
      dir.write("config.yaml",
                "stream_config_uri: streams.yaml\nkafka: {metadata.broker.list: \"127.0.0.1:1\"}\n"
                "plugins:\n  directories: [" +
                    plugin_dir() + ", " + ES_WRONG_IDENTITY_DIR + "]\n");
  const RunResult r = ServerProcess::run_and_capture({"--config", config, "--port", "0"}, 20s);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output.find("\"listening\""), std::string::npos) << r.output;
  EXPECT_NE(
      r.output.find(std::string("libbroken_wrong_identity.so: plugin ABI identity 'headers=")),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(std::string("', the host's is '") + kAbiIdentity + "'"),
            std::string::npos)
      << r.output;
}

TEST(CommandLine, UsageNamesListPlugins) {
  const RunResult r = ServerProcess::run_and_capture({"--help"}, 10s);
  EXPECT_NE(r.output.find("--list-plugins [--config FILE]"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace eventstreams::testing
