#include "streaming_fixture.h"

#include <ctime>

namespace eventstreams::testing {

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << "not JSON: " << text;
  return doc;
}

namespace {
Received from_payload(const std::string& payload) {
  Received r;
  r.data = payload;
  const auto doc = parse_json(payload);
  if (doc.IsObject() && doc.HasMember("meta") && doc["meta"].IsObject()) {
    const auto& meta = doc["meta"];
    if (meta.HasMember("topic")) r.topic = meta["topic"].GetString();
    if (meta.HasMember("partition")) r.partition = meta["partition"].GetInt();
    if (meta.HasMember("offset")) r.offset = meta["offset"].GetInt64();
  }
  return r;
}
}  // namespace

Received decode(const SseEvent& event) {
  Received r = from_payload(event.data);
  r.id = event.id;
  return r;
}

Received decode_line(const std::string& line) {
  return from_payload(line);
}

std::string iso8601(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<request::LastEventIdEntry> id_positions(const std::string& id) {
  std::vector<request::LastEventIdEntry> entries;
  std::string error;
  EXPECT_TRUE(request::parse_last_event_id(id, entries, error)) << error << ": " << id;
  return entries;
}

std::string key_of(const Received& r) {
  return r.topic + "/" + std::to_string(r.partition) + "/" + std::to_string(r.offset);
}

std::string StreamingTest::topic(const std::string& prefix, int partitions) {
  return broker().create_unique_topic(prefix, partitions);
}

void StreamingTest::start_server(const std::map<std::string, std::vector<std::string>>& streams,
                                 const std::string& extra_yaml) {
  ServerConfig config;
  config.kafka_bootstrap = broker().bootstrap();
  config.streams = streams;
  config.extra_yaml = extra_yaml;
  server_ = std::make_unique<ServerProcess>(config);
}

std::unique_ptr<StreamClient> StreamingTest::open(const std::string& target,
                                                  const Headers& headers) {
  return std::make_unique<StreamClient>(server_->port(), target, headers, 20s);
}

std::unique_ptr<StreamClient> StreamingTest::open_ready(const std::string& target,
                                                        const Headers& headers) {
  auto client = open(target, headers);
  EXPECT_EQ(client->status(), 200) << client->raw();
  const bool sse = client->header("Content-Type").value_or("").rfind("text/event-stream", 0) == 0;
  if (sse) {
    EXPECT_TRUE(client->raw_until(":ok\n\n", 10s)) << client->raw();
  }
  return client;
}

std::vector<Received> StreamingTest::read_events(StreamClient& client, std::size_t n,
                                                 std::chrono::milliseconds timeout) {
  std::vector<Received> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto e = client.next_event(left);
    if (!e) break;
    EXPECT_EQ(e->type(), "message") << e->data;
    out.push_back(decode(*e));
  }
  EXPECT_EQ(out.size(), n) << "events received: " << out.size() << "\nserver log:\n"
                           << server_->log_text();
  return out;
}

void StreamingTest::expect_no_event(StreamClient& client, std::chrono::milliseconds quiet) {
  auto e = client.next_event(quiet);
  EXPECT_FALSE(e.has_value()) << "unexpected event: " << (e ? e->data : "");
}

Producer& StreamingTest::producer() {
  if (!producer_) producer_ = std::make_unique<Producer>(broker().bootstrap());
  return *producer_;
}

}  // namespace eventstreams::testing
