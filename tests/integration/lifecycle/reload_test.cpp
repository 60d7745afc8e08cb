// Stream-config reload as an operator meets it (SPEC 1), on the embedded cluster: SIGHUP reloads
// at once and never ends the process; an added stream is served and a removed one is a 404 for
// new requests and the spec follows, while a client already streaming keeps its stream; a
// broken config keeps the previous streams; stream_config_ttl reloads on its own; reloads in a
// loop under concurrent requests leave every request a clean answer.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

class ReloadTest : public ::testing::Test {
 protected:
  // Starts the server on the embedded cluster with the streams of `yaml`.
  void start(const std::string& yaml, int ttl_s = 0) {
    streams_path_ = dir_.write("streams.yaml", yaml);
    server_ = std::make_unique<ServerProcess>(
        "interface: 127.0.0.1\n"
        "stream_config_uri: " +
        ServerProcess::quote(streams_path_) +
        "\n"
        "stream_config_ttl: " +
        std::to_string(ttl_s) +
        "\n"
        "heartbeat_interval_ms: 100\n"
        "kafka: {embedded: true, embedded_events_per_second: 20}\n");
  }
  // Rewrites the stream config as an editor would: a new file renamed over the old one.
  void rewrite(const std::string& yaml) {
    dir_.write("streams.yaml.new", yaml);
    ASSERT_EQ(::rename((dir_.path() + "/streams.yaml.new").c_str(), streams_path_.c_str()), 0);
  }
  int status_of(const std::string& stream) {
    return request(server_->port(), "HEAD", "/v2/stream/" + stream).status;
  }
  // SIGHUP, then waits for the reload's log line, the n-th of its kind.
  bool reload(const char* needle, int nth) {
    server_->signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = server_->log_text();
      int seen = 0;
      for (auto p = log.find(needle); p != std::string::npos; p = log.find(needle, p + 1)) ++seen;
      if (seen >= nth) return true;
      std::this_thread::sleep_for(20ms);  // polling the log; not a synchronisation sleep
    }
    return false;
  }

  TempDir dir_{"es-reload-"};
  std::string streams_path_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ReloadTest, SighupSwapsTheStreamsNewRequestsSeeAndStreamingClientsKeepTheirs) {
  start("a: {topics: [t1]}\nb: {topics: [t1]}\n");
  ASSERT_EQ(status_of("b"), 200);
  StreamClient kept(server_->port(), "/v2/stream/b");
  ASSERT_EQ(kept.status(), 200);
  ASSERT_TRUE(kept.next_comment(5s));  // ":ok"

  rewrite("a: {topics: [t1]}\nc: {topics: [t1], stream_aliases: [cee]}\n");
  ASSERT_TRUE(reload("\"stream config reloaded\"", 1)) << server_->log_text();
  EXPECT_TRUE(server_->running());
  EXPECT_EQ(status_of("c"), 200);
  EXPECT_EQ(status_of("cee"), 200);
  EXPECT_EQ(status_of("b"), 404);
  EXPECT_EQ(status_of("a"), 200);
  // The spec follows: the new streams are in its enum and paths, the removed one is gone.
  const std::string spec = get(server_->port(), "/?spec").body;
  EXPECT_NE(spec.find("\"/v2/stream/cee\""), std::string::npos);
  EXPECT_EQ(spec.find("\"/v2/stream/b\""), std::string::npos);
  // The client of the removed stream streams on: events or heartbeats keep coming.
  const std::size_t before = kept.raw().size();
  EXPECT_TRUE(kept.raw_until([&](std::string_view body) { return body.size() > before + 64; }, 5s));
  EXPECT_FALSE(kept.ended());
}

TEST_F(ReloadTest, ABrokenConfigKeepsThePreviousStreamsAndIsCounted) {
  start("a: {topics: [t1]}\n");
  rewrite("a: {topics: [t1\n");
  ASSERT_TRUE(reload("stream config reload failed", 1)) << server_->log_text();
  rewrite("a: {description: no topics left}\n");
  ASSERT_TRUE(reload("stream config reload failed", 2)) << server_->log_text();
  EXPECT_TRUE(server_->running());
  EXPECT_EQ(status_of("a"), 200);
  const std::string metrics = get(server_->port(), "/metrics").body;
  EXPECT_NE(metrics.find("eventstreams_stream_config_reloads_total{result=\"failure\"} 2"),
            std::string::npos)
      << metrics;
}

TEST_F(ReloadTest, StreamConfigTtlReloadsOnItsOwn) {
  start("a: {topics: [t1]}\n", /*ttl_s=*/1);
  rewrite("a: {topics: [t1]}\nlater: {topics: [t1]}\n");
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  int status = 0;
  while ((status = status_of("later")) != 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);  // polling for the ttl to pass
  }
  EXPECT_EQ(status, 200);
}

TEST_F(ReloadTest, ReloadsInALoopUnderConcurrentRequestsLeaveEveryRequestACleanAnswer) {
  const std::string with_c = "a: {topics: [t1]}\nc: {topics: [t1]}\n";
  const std::string with_d = "a: {topics: [t1]}\nd: {topics: [t1]}\n";
  start(with_c);
  std::atomic<bool> done{false};
  std::atomic<int> unexpected{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&] {
      while (!done.load()) {
        // "a" is in every version; "c" and "d" come and go, and a two-stream request sees
        // both or neither of a version, never a mix: 200 or 404, nothing else.
        const int a = status_of("a");
        const int cd = status_of("c,d");
        const int c = status_of("a,c");
        if (a != 200 || cd != 404 || (c != 200 && c != 404)) ++unexpected;
        ++answered;
      }
    });
  }
  for (int i = 1; i <= 30; ++i) {
    rewrite(i % 2 ? with_d : with_c);
    ASSERT_TRUE(reload("\"stream config reloaded\"", i)) << server_->log_text();
  }
  done = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_GT(answered.load(), 0);
  EXPECT_TRUE(server_->running());
}

}  // namespace
}  // namespace eventstreams::testing
