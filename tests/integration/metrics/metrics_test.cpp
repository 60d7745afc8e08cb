// GET /metrics scraped during traffic (issue 9 item 6, SPEC 5), parsed by the official
// Prometheus Python client's parser (metrics_parse.py): the original's series keep their
// meaning (connected clients per stream, connections per sorted stream set) and the new ones
// are there with real values: request durations until the headers, produce-to-send delay,
// consumer lag per topic-partition of the live hubs, errors by type. On the embedded demo
// cluster.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kRcTopic = "eqiad.mediawiki.recentchange";

struct Sample {
  std::string family;
  std::string type;
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Scrape {
  int exit_code = -1;
  std::string output;
  std::vector<Sample> samples;

  // The value of the sample of that name whose labels include `labels`; none when absent.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        match = match && it != s.labels.end() && it->second == v;
      }
      if (match) return s.value;
    }
    return std::nullopt;
  }
  std::string type_of(const std::string& family) const {
    for (const Sample& s : samples) {
      if (s.family == family) return s.type;
    }
    return "absent";
  }
};

std::string python() {
  return std::string(ES_METRICS_VENV) + "/bin/python";
}

// Run directly (not under ctest's fixture), the test makes the venv itself.
void ensure_venv() {
  if (std::filesystem::exists(python())) return;
  const RunResult r =
      run_capture({ES_PYTHON_VENV_SCRIPT, ES_METRICS_VENV, ES_METRICS_REQUIREMENTS}, 600s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

Scrape parse(const TempDir& dir, const std::string& text) {
  Scrape out;
  const std::string file = dir.write("metrics.txt", text);
  const RunResult r = run_capture({python(), ES_METRICS_PARSE, file}, 60s);
  out.exit_code = r.exit_code;
  out.output = r.output;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() != '{') continue;
    rapidjson::Document d;
    d.Parse(line.c_str());
    if (d.HasParseError() || !d.IsObject()) continue;
    Sample s;
    s.family = d["family"].GetString();
    s.type = d["type"].GetString();
    s.name = d["name"].GetString();
    // Through a const value: its member iterators compare unambiguously in C++20 (clang).
    const rapidjson::Value& labels = d["labels"];
    for (const auto& m : labels.GetObject()) s.labels[m.name.GetString()] = m.value.GetString();
    s.value = d["value"].GetDouble();
    out.samples.push_back(std::move(s));
  }
  return out;
}

Scrape scrape(const TempDir& dir, uint16_t port) {
  const HttpResponse r = get(port, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  return parse(dir, r.body);
}

std::string config_for(const TempDir& dir) {
  const std::string streams = dir.write("streams.yaml",
                                        "rc: {topics: [eqiad.mediawiki.recentchange]}\n"
                                        "pc: {topics: [eqiad.mediawiki.page_change.v1]}\n");
  return "interface: 127.0.0.1\nstream_config_uri: " + ServerProcess::quote(streams) +
         "\nkafka: {embedded: true, embedded_events_per_second: 50}\n"
         "heartbeat_interval_ms: 500\n";
}

TEST(Metrics, AScrapeDuringTrafficParsesAndCarriesEverySeries) {
  ensure_venv();
  TempDir dir("es-metrics-");
  ServerProcess server(config_for(dir));
  // Three clients: one of rc, two of the set {pc, rc} asked in either order.
  StreamClient rc(server.port(), "/v2/stream/rc");
  StreamClient pc_rc(server.port(), "/v2/stream/pc,rc");
  StreamClient rc_pc(server.port(), "/v2/stream/rc,pc", {{"Accept", "application/json"}});
  ASSERT_EQ(rc.status(), 200);
  ASSERT_EQ(pc_rc.status(), 200);
  ASSERT_EQ(rc_pc.status(), 200);
  // Two problems of two types.
  EXPECT_EQ(get(server.port(), "/v2/stream/nope").status, 404);
  EXPECT_EQ(get(server.port(), "/v2/stream/rc?since=yesterday-ish").status, 400);
  EXPECT_EQ(get(server.port(), "/_info").status, 200);

  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(rc.next_event(15s)) << i;
    ASSERT_TRUE(pc_rc.next_event(15s)) << i;
    ASSERT_TRUE(rc_pc.next_line(15s)) << i;
  }
  // The live hubs post their lag about once a second: scrape until it shows, events flowing.
  Scrape s;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    rc.next_event(1s);
    pc_rc.next_event(1s);
    rc_pc.next_line(1s);
    s = scrape(dir, server.port());
    ASSERT_EQ(s.exit_code, 0) << s.output;
  } while (!s.value("eventstreams_consumer_lag", {{"topic", kRcTopic}}) &&
           std::chrono::steady_clock::now() < deadline);

  // The original's series: per stream, and per sorted stream set.
  EXPECT_EQ(s.type_of("eventstreams_connected_clients"), "gauge");
  EXPECT_EQ(s.value("eventstreams_connected_clients", {{"stream", "rc"}}), 3) << s.output;
  EXPECT_EQ(s.value("eventstreams_connected_clients", {{"stream", "pc"}}), 2) << s.output;
  EXPECT_FALSE(s.value("eventstreams_connected_clients", {{"stream", "pc,rc"}})) << s.output;
  EXPECT_EQ(s.type_of("eventstreams_client_connections"), "counter");
  EXPECT_EQ(s.value("eventstreams_client_connections_total", {{"streams", "pc,rc"}}), 2)
      << s.output;
  EXPECT_EQ(s.value("eventstreams_client_connections_total", {{"streams", "rc"}}), 1) << s.output;
  EXPECT_FALSE(s.value("eventstreams_client_connections_total", {{"streams", "rc,pc"}}));

  // Request durations until the headers: the three streams, the two problems, /_info.
  EXPECT_EQ(s.type_of("eventstreams_request_duration_seconds"), "histogram");
  EXPECT_EQ(s.value("eventstreams_request_duration_seconds_count",
                    {{"route", "stream"}, {"code", "200"}}),
            3)
      << s.output;
  EXPECT_EQ(s.value("eventstreams_request_duration_seconds_count",
                    {{"route", "stream"}, {"code", "404"}}),
            1);
  EXPECT_EQ(s.value("eventstreams_request_duration_seconds_count",
                    {{"route", "stream"}, {"code", "400"}}),
            1);
  EXPECT_EQ(
      s.value("eventstreams_request_duration_seconds_count", {{"route", "info"}, {"code", "200"}}),
      1);
  EXPECT_EQ(s.value("eventstreams_request_duration_seconds_bucket",
                    {{"route", "stream"}, {"code", "200"}, {"le", "+Inf"}}),
            3);

  // Produce-to-send delay of the events the live hubs handed out: as many as they sent, and
  // the demo's events are fresh (well under a minute old).
  EXPECT_EQ(s.type_of("eventstreams_event_delay_seconds"), "histogram");
  const double delayed =
      s.value("eventstreams_event_delay_seconds_count", {{"reader", "live"}}).value_or(0);
  EXPECT_GE(delayed, 6) << s.output;
  EXPECT_EQ(s.value("eventstreams_event_delay_seconds_bucket", {{"reader", "live"}, {"le", "60"}}),
            delayed);

  // Consumer lag per topic-partition of the live hubs.
  EXPECT_EQ(s.type_of("eventstreams_consumer_lag"), "gauge");
  const auto lag = s.value("eventstreams_consumer_lag", {{"topic", kRcTopic}, {"partition", "0"}});
  ASSERT_TRUE(lag) << s.output;
  EXPECT_GE(*lag, 0);
  EXPECT_TRUE(s.value("eventstreams_consumer_lag", {{"topic", "eqiad.mediawiki.page_change.v1"}}))
      << s.output;

  // Errors by type.
  EXPECT_EQ(s.type_of("eventstreams_errors"), "counter");
  EXPECT_EQ(s.value("eventstreams_errors_total", {{"type", "not_found"}}), 1) << s.output;
  EXPECT_EQ(s.value("eventstreams_errors_total", {{"type", "invalid_timestamp"}}), 1) << s.output;

  // And what was there before: events sent per stream set and format, hubs, readers.
  EXPECT_GT(
      s.value("eventstreams_events_sent_total", {{"stream", "rc"}, {"format", "sse"}}).value_or(0),
      0)
      << s.output;
  EXPECT_EQ(s.value("eventstreams_live_hubs"), 2) << s.output;

  // A client leaves: its streams' gauges go down, the connection counters stay.
  rc.close(true);
  const auto gone = std::chrono::steady_clock::now() + 10s;
  while (scrape(dir, server.port()).value("eventstreams_connected_clients", {{"stream", "rc"}}) !=
             2 &&
         std::chrono::steady_clock::now() < gone) {
    std::this_thread::sleep_for(50ms);
  }
  s = scrape(dir, server.port());
  EXPECT_EQ(s.value("eventstreams_connected_clients", {{"stream", "rc"}}), 2) << s.output;
  EXPECT_EQ(s.value("eventstreams_connected_clients", {{"stream", "pc"}}), 2) << s.output;
  EXPECT_EQ(s.value("eventstreams_client_connections_total", {{"streams", "rc"}}), 1);
}

TEST(Metrics, TheParserRefusesWhatIsNotTheExpositionFormat) {
  ensure_venv();
  TempDir dir("es-metrics-bad-");
  // The checker can fail: a broken line, and a series without # TYPE.
  EXPECT_NE(parse(dir, "# TYPE x counter\nx{a=\"1\" 3\n").exit_code, 0);
  EXPECT_NE(parse(dir, "x_total 3\n").exit_code, 0);
  EXPECT_EQ(parse(dir, "# HELP x_total X\n# TYPE x_total counter\nx_total 3\n").exit_code, 0);
}

}  // namespace
}  // namespace eventstreams::testing
