// The command line (README: Configuration): --help, --version, missing arguments, and
// --check-config / start-up refusing bad configs with a message that names the culprit.
// None of these reach Kafka: the configs name an address nothing listens on.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/server_process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

// Nothing listens on port 1: a config that contacted Kafka would stall or fail.
constexpr const char* kNoKafka = "kafka:\n  metadata.broker.list: \"127.0.0.1:1\"\n";

// The in-tree plugins, beside the host binary.
std::string plugin_dir() {
  return (std::filesystem::path(ServerProcess::binary_path()).parent_path() / "plugins").string();
}

// A directory holding streams.yaml and config.yaml (`extra` appended to a valid config).
struct ConfigDir {
  TempDir dir{"es-cli-"};
  std::string config;

  explicit ConfigDir(const std::string& extra = "",
                     const std::string& streams = "edits:\n  topics: [t1, t2]\n") {
    const std::string streams_path = dir.write("streams.yaml", streams);
    config = dir.write("config.yaml", std::string(kNoKafka) + "stream_config_uri: " +
                                          ServerProcess::quote(streams_path) + "\n" + extra);
  }
};

RunResult check_config(const std::string& config) {
  return ServerProcess::run_and_capture({"--check-config", "--config", config}, 20s);
}

// Start-up without --check-config must refuse the same configs (and exit, not listen).
RunResult start(const std::string& config) {
  return ServerProcess::run_and_capture({"--config", config, "--port", "0"}, 20s);
}

void expect_refused(const RunResult& r, const std::string& mention) {
  EXPECT_FALSE(r.timed_out) << r.output;
  EXPECT_GT(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(mention), std::string::npos)
      << "the message does not name '" << mention << "':\n"
      << r.output;
  EXPECT_EQ(r.output.find("\"listening\""), std::string::npos) << r.output;
}

// A port another server listens on is refused, even when that one allowed sharing it
// (SO_REUSEPORT, as POCO's ServerSocket constructor sets): two servers on one port would
// split the clients between them without a word.
TEST(CommandLine, APortInUseIsRefusedNotShared) {
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  const int one = 1;
  ASSERT_EQ(::setsockopt(holder, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), 0);
  ASSERT_EQ(::setsockopt(holder, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one), 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(holder, 8), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  TempDir dir{"es-cli-"};
  const std::string streams = dir.write("streams.yaml", "edits:\n  topics: [t1]\n");
  const std::string config = dir.write("config.yaml",
                                       "kafka:\n  embedded: true\ninterface: 127.0.0.1\n"
                                       "stream_config_uri: " +
                                           ServerProcess::quote(streams) + "\n");
  const RunResult r =
      ServerProcess::run_and_capture({"--config", config, "--port", std::to_string(port)}, 20s);
  ::close(holder);
  expect_refused(r, "cannot listen on 127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(r.exit_code, 4) << r.output;
}

TEST(CommandLine, HelpPrintsUsageAndExitsZero) {
  for (const char* flag : {"--help", "-h"}) {
    const RunResult r = ServerProcess::run_and_capture({flag}, 10s);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("Usage"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--config"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--check-config"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--version"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--help-plugin NAME"), std::string::npos) << r.output;
  }
}

// --help-plugin prints the plugin's table of config keys (plugin-api config_keys.h).
TEST(CommandLine, HelpPluginListsKeysTypesDefaultsAndHelp) {
  const RunResult sse = ServerProcess::run_and_capture({"--help-plugin", "sse"}, 10s);
  EXPECT_EQ(sse.exit_code, 0) << sse.output;
  EXPECT_NE(sse.output.find("sse 1.0 (encoder, "), std::string::npos) << sse.output;
  EXPECT_TRUE(std::regex_search(sse.output,
                                std::regex(R"(\n  retry_ms +non-negative integer, no default\n)")))
      << sse.output;
  EXPECT_TRUE(std::regex_search(
      sse.output, std::regex(R"(\n  heartbeat_comment +string, default "heartbeat"\n +text of)")))
      << sse.output;

  const RunResult filter = ServerProcess::run_and_capture({"--help-plugin", "filter"}, 10s);
  EXPECT_EQ(filter.exit_code, 0) << filter.output;
  EXPECT_TRUE(
      std::regex_search(filter.output, std::regex(R"(\n  drop_canary +boolean, default false\n)")))
      << filter.output;
  EXPECT_TRUE(std::regex_search(
      filter.output, std::regex(R"(\n  reserved_parameters +list of strings, default \[\]\n)")))
      << filter.output;

  const RunResult ndjson = ServerProcess::run_and_capture({"--help-plugin", "ndjson"}, 10s);
  EXPECT_EQ(ndjson.exit_code, 0) << ndjson.output;
  EXPECT_NE(ndjson.output.find("takes no settings"), std::string::npos) << ndjson.output;

  const RunResult kafka = ServerProcess::run_and_capture({"--help-plugin", "kafka"}, 10s);
  EXPECT_EQ(kafka.exit_code, 0) << kafka.output;
  EXPECT_NE(kafka.output.find("passed through as is"), std::string::npos) << kafka.output;
  EXPECT_NE(kafka.output.find("kafka.embedded_partitions"), std::string::npos) << kafka.output;
}

TEST(CommandLine, HelpPluginOfAnUnknownPluginNamesTheOnesFound) {
  const RunResult r = ServerProcess::run_and_capture({"--help-plugin", "nope"}, 10s);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no plugin 'nope'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("redaction"), std::string::npos) << r.output;
  const RunResult missing = ServerProcess::run_and_capture({"--help-plugin"}, 10s);
  EXPECT_EQ(missing.exit_code, 64) << missing.output;
  EXPECT_NE(missing.output.find("--help-plugin needs a value"), std::string::npos)
      << missing.output;
}

TEST(CommandLine, VersionPrintsTheVersionAndExitsZero) {
  const RunResult r = ServerProcess::run_and_capture({"--version"}, 10s);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(^eventstreams \d+\.\d+\.\d+)")))
      << r.output;
}

TEST(CommandLine, NoArgumentsExitsNonZeroWithAMessage) {
  const RunResult r = ServerProcess::run_and_capture({}, 10s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_GT(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--config"), std::string::npos) << r.output;
}

TEST(CommandLine, BadArgumentsExitNonZeroNamingThem) {
  const RunResult unknown = ServerProcess::run_and_capture({"--frobnicate"}, 10s);
  EXPECT_GT(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("--frobnicate"), std::string::npos) << unknown.output;
  const RunResult no_value = ServerProcess::run_and_capture({"--config"}, 10s);
  EXPECT_GT(no_value.exit_code, 0);
  EXPECT_NE(no_value.output.find("--config"), std::string::npos) << no_value.output;
  ConfigDir good;
  const RunResult port =
      ServerProcess::run_and_capture({"--config", good.config, "--port", "99999"}, 10s);
  EXPECT_GT(port.exit_code, 0);
  EXPECT_NE(port.output.find("99999"), std::string::npos) << port.output;
}

TEST(CommandLine, CheckConfigAcceptsAGoodConfigWithoutListening) {
  ConfigDir good;
  const auto started = std::chrono::steady_clock::now();
  const RunResult r = check_config(good.config);
  EXPECT_FALSE(r.timed_out) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("\"listening\""), std::string::npos) << r.output;
  // It neither serves nor waits for Kafka (which is unreachable here).
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(CommandLine, UnknownConfigKeyIsRefusedByName) {
  ConfigDir bad("frobnication_level: 3\n");
  expect_refused(check_config(bad.config), "frobnication_level");
  expect_refused(start(bad.config), "frobnication_level");
  ConfigDir nested("plugins:\n  sorce: kafka\n");
  expect_refused(check_config(nested.config), "sorce");
}

// The host checks a plugin's config against the plugin's table before its factory runs.
TEST(CommandLine, PluginConfigMistakesAreRefusedWithTheNearestKey) {
  ConfigDir typo("plugins:\n  config:\n    sse:\n      retry_msec: 1000\n");
  expect_refused(check_config(typo.config),
                 R"(plugins.config.sse: unknown key "retry_msec" (did you mean "retry_ms"?))");
  expect_refused(start(typo.config), R"(did you mean "retry_ms"?)");
  ConfigDir type(
      "plugins:\n  transforms: [filter]\n  config:\n    filter:\n"
      "      drop_canary: [1]\n");
  expect_refused(check_config(type.config),
                 R"(plugins.config.filter: "drop_canary" must be a boolean, got an array)");
}

TEST(CommandLine, UnreadableStreamConfigIsRefusedNamingTheFile) {
  TempDir dir("es-cli-");
  const std::string missing = dir.path() + "/no-such-streams.yaml";
  const std::string config = dir.write(
      "config.yaml", std::string(kNoKafka) + "stream_config_uri: " + ServerProcess::quote(missing));
  expect_refused(check_config(config), "no-such-streams.yaml");
  expect_refused(start(config), "no-such-streams.yaml");
}

TEST(CommandLine, MissingConfigFileIsRefusedNamingIt) {
  TempDir dir("es-cli-");
  expect_refused(check_config(dir.path() + "/absent-config.yaml"), "absent-config.yaml");
}

// A directory where a config file should be: refused like any unreadable file, naming it.
TEST(CommandLine, ConfigPathsThatAreDirectoriesAreRefusedNamingThem) {
  TempDir dir("es-cli-");
  const std::string streams_dir = dir.path() + "/streams-dir.yaml";
  std::filesystem::create_directory(streams_dir);
  const std::string config =
      dir.write("config.yaml",
                std::string(kNoKafka) + "stream_config_uri: " + ServerProcess::quote(streams_dir));
  expect_refused(check_config(config), "streams-dir.yaml");

  const std::string config_dir = dir.path() + "/config-dir.yaml";
  std::filesystem::create_directory(config_dir);
  expect_refused(check_config(config_dir), "config-dir.yaml");
}

TEST(CommandLine, MissingPluginIsRefusedByName) {
  ConfigDir bad("plugins:\n  source: nope\n");
  expect_refused(check_config(bad.config), "'nope'");
  expect_refused(start(bad.config), "'nope'");
  ConfigDir bad_encoder("plugins:\n  encoders: [sse, nope-encoder]\n");
  expect_refused(check_config(bad_encoder.config), "nope-encoder");
}

TEST(CommandLine, GarbagePluginFileIsRefusedNamingTheFile) {
  TempDir plugins("es-badplugins-");
  plugins.write("libbad.so", "this is not an ELF shared object\n");
  ConfigDir bad("plugins:\n  directories: [" + ServerProcess::quote(plugin_dir()) + ", " +
                ServerProcess::quote(plugins.path()) + "]\n");
  // The same config without the garbage directory is fine: the refusal is the garbage's.
  ConfigDir good("plugins:\n  directories: [" + ServerProcess::quote(plugin_dir()) + "]\n");
  const RunResult ok = check_config(good.config);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;

  expect_refused(check_config(bad.config), "libbad.so");
  expect_refused(start(bad.config), "libbad.so");
}

}  // namespace
}  // namespace eventstreams::testing
