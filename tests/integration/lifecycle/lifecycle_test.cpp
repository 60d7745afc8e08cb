// SPEC 6 lifecycle against a real broker: a disconnect releases the client's Kafka consumer,
// live clients share one, SIGTERM ends open streams cleanly, a Kafka error mid-stream ends the
// stream with an error event, and bad input leaves the server working with nothing leaked.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <sys/socket.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/metrics_text.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/tcp_connection.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

struct OneStream {
  std::string topic;
  std::unique_ptr<ServerProcess> server;
  uint16_t port() const { return server->port(); }
};

OneStream start_one(int partitions = 1, const std::string& extra_yaml = "") {
  auto& kafka = KafkaBroker::shared();
  OneStream s;
  s.topic = kafka.create_unique_topic("life", partitions);
  // These tests watch readers go as clients leave: no linger unless a test asks for one.
  const std::string yaml = extra_yaml.find("live_hub_linger_ms") == std::string::npos
                               ? "live_hub_linger_ms: 0\n" + extra_yaml
                               : extra_yaml;
  s.server = std::make_unique<ServerProcess>(
      ServerConfig{kafka.bootstrap(), {{"edits", {s.topic}}}, {}, yaml});
  return s;
}

std::string event_json(int n) {
  return R"({"$schema":"/test/1.0.0","meta":{"domain":"test.example.org"},"n":)" +
         std::to_string(n) + "}";
}

TEST(Lifecycle, DisconnectReleasesAPrivateReader) {
  OneStream s = start_one(2);
  ASSERT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 0}}));
  for (bool abortive : {false, true}) {
    SCOPED_TRACE(abortive ? "RST" : "FIN");
    StreamClient client(s.port(), "/v2/stream/edits?since=0");
    ASSERT_EQ(client.status(), 200);
    ASSERT_TRUE(client.raw_until(":ok\n\n", 10s));
    EXPECT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 1},
                                           {"eventstreams_private_hubs", 1},
                                           {"eventstreams_connections", 1}}));
    client.close(abortive);
    EXPECT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 0},
                                           {"eventstreams_private_hubs", 0},
                                           {"eventstreams_connections", 0}}));
  }
}

TEST(Lifecycle, DisconnectWhileEventsFlowReleasesTheReader) {
  OneStream s = start_one(1);
  Producer producer;
  std::vector<ProduceMessage> batch;
  for (int i = 0; i < 200; ++i)
    batch.push_back({s.topic, 0, event_json(i), std::nullopt, std::nullopt});
  producer.produce_many(batch);
  StreamClient client(s.port(), "/v2/stream/edits?since=0");
  ASSERT_EQ(client.status(), 200);
  ASSERT_TRUE(client.next_event(10s).has_value());
  EXPECT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 1}}));
  client.close();
  EXPECT_TRUE(wait_for_gauges(
      s.port(), {{"eventstreams_source_readers", 0}, {"eventstreams_connections", 0}}));
}

TEST(Lifecycle, LiveClientsShareOneReaderReleasedWhenBothLeave) {
  OneStream s = start_one(2);
  auto a = std::make_unique<StreamClient>(s.port(), "/v2/stream/edits");
  ASSERT_EQ(a->status(), 200);
  ASSERT_TRUE(a->raw_until(":ok\n\n", 10s));
  ASSERT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 1},
                                         {"eventstreams_live_hubs", 1},
                                         {"eventstreams_connections", 1}}));
  // The second live client (another format, same topics) joins the same hub.
  auto b = std::make_unique<StreamClient>(s.port(), "/v2/stream/edits",
                                          Headers{{"Accept", "application/json"}});
  ASSERT_EQ(b->status(), 200);
  EXPECT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 1},
                                         {"eventstreams_live_hubs", 1},
                                         {"eventstreams_private_hubs", 0},
                                         {"eventstreams_connections", 2}}));
  // Both get the same event from the one reader.
  Producer producer;
  producer.produce(s.topic, 1, event_json(7));
  const auto ev = a->next_event(15s);
  ASSERT_TRUE(ev.has_value()) << a->raw();
  EXPECT_NE(ev->data.find("\"n\":7"), std::string::npos) << ev->data;
  const auto line = b->next_line(15s);
  ASSERT_TRUE(line.has_value()) << b->raw();
  EXPECT_NE(line->find("\"n\":7"), std::string::npos) << *line;

  a->close();
  EXPECT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_connections", 1}}));
  EXPECT_TRUE(wait_for_gauges(s.port(),
                              {{"eventstreams_source_readers", 1}, {"eventstreams_live_hubs", 1}}));
  b->close(/*abortive=*/true);
  EXPECT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_source_readers", 0},
                                         {"eventstreams_live_hubs", 0},
                                         {"eventstreams_connections", 0}}));
  // A new live client after that gets a fresh hub that works.
  StreamClient c(s.port(), "/v2/stream/edits");
  ASSERT_EQ(c.status(), 200);
  ASSERT_TRUE(c.raw_until(":ok\n\n", 10s));
  producer.produce(s.topic, 0, event_json(8));
  const auto ev2 = c.next_event(15s);
  ASSERT_TRUE(ev2.has_value()) << c.raw();
  EXPECT_NE(ev2->data.find("\"n\":8"), std::string::npos);
}

TEST(Lifecycle, SigtermEndsOpenStreamsCleanlyAndExitsZero) {
  OneStream s = start_one(1);
  Producer producer;
  producer.produce(s.topic, 0, event_json(1));
  std::vector<std::unique_ptr<StreamClient>> clients;
  clients.push_back(std::make_unique<StreamClient>(s.port(), "/v2/stream/edits"));
  clients.push_back(std::make_unique<StreamClient>(s.port(), "/v2/stream/edits"));
  clients.push_back(std::make_unique<StreamClient>(s.port(), "/v2/stream/edits?since=0"));
  clients.push_back(std::make_unique<StreamClient>(s.port(), "/v2/stream/edits?since=0",
                                                   Headers{{"Accept", "application/json"}}));
  for (auto& c : clients) ASSERT_EQ(c->status(), 200);
  ASSERT_TRUE(clients[2]->next_event(10s).has_value()) << clients[2]->raw();
  ASSERT_TRUE(clients[3]->next_line(10s).has_value()) << clients[3]->raw();
  ASSERT_TRUE(wait_for_gauges(s.port(), {{"eventstreams_connections", 4}}));

  const auto signalled = Clock::now();
  s.server->signal(SIGTERM);
  for (size_t i = 0; i < clients.size(); ++i) {
    SCOPED_TRACE("client " + std::to_string(i));
    EXPECT_TRUE(clients[i]->read_to_end(10s)) << "stream not ended after SIGTERM";
    EXPECT_TRUE(clients[i]->complete()) << "no terminal chunk; body: " << clients[i]->raw();
    EXPECT_FALSE(clients[i]->framing_error()) << clients[i]->framing_error_message();
  }
  const int status = s.server->stop(10s);
  EXPECT_EQ(status, 0) << s.server->log_text();
  EXPECT_LT(Clock::now() - signalled, 10s);
  // It no longer accepts connections.
  EXPECT_THROW(get(s.port(), "/_info", {}, 2s), std::runtime_error);
}

TEST(Lifecycle, SigtermWithoutClientsExitsZero) {
  OneStream s = start_one(1);
  const auto signalled = Clock::now();
  s.server->signal(SIGTERM);
  EXPECT_EQ(s.server->stop(10s), 0) << s.server->log_text();
  EXPECT_LT(Clock::now() - signalled, 10s);
}

TEST(Lifecycle, KafkaErrorMidStreamSendsAnErrorEventThenEnds) {
  auto& kafka = KafkaBroker::shared();
  OneStream s = start_one(1);
  StreamClient sse(s.port(), "/v2/stream/edits");
  StreamClient ndjson(s.port(), "/v2/stream/edits?since=0", {{"Accept", "application/json"}});
  ASSERT_EQ(sse.status(), 200);
  ASSERT_EQ(ndjson.status(), 200);
  Producer producer;
  producer.produce(s.topic, 0, event_json(1));
  const auto first = sse.next_event(15s);
  ASSERT_TRUE(first.has_value()) << sse.raw();
  ASSERT_EQ(first->event, "message");
  const std::string last_id = sse.last_event_id();
  ASSERT_TRUE(ndjson.next_line(15s).has_value());

  kafka.delete_topic(s.topic);

  const auto error = sse.next_event(20s);
  ASSERT_TRUE(error.has_value()) << "no error event after the topic was deleted; body:\n"
                                 << sse.raw() << "\nserver log:\n"
                                 << s.server->log_text();
  EXPECT_EQ(error->event, "error");
  rapidjson::Document doc;
  doc.Parse(error->data.data(), error->data.size());
  EXPECT_FALSE(doc.HasParseError()) << error->data;
  EXPECT_TRUE(doc.IsObject()) << error->data;
  // The error event carries no id: the client's last id stays the last event's.
  EXPECT_EQ(sse.last_event_id(), last_id);
  EXPECT_TRUE(sse.read_to_end(10s));
  EXPECT_TRUE(sse.complete()) << sse.raw();
  EXPECT_FALSE(sse.next_event(1s).has_value());

  // NDJSON: a final {"error": {...}} line, then the end.
  std::optional<std::string> line;
  do {
    line = ndjson.next_line(30s);
  } while (line && line->empty());  // heartbeats
  ASSERT_TRUE(line.has_value()) << ndjson.raw();
  doc.Parse(line->data(), line->size());
  ASSERT_FALSE(doc.HasParseError()) << *line;
  EXPECT_TRUE(doc.IsObject() && doc.HasMember("error") && doc["error"].IsObject()) << *line;
  EXPECT_TRUE(ndjson.read_to_end(10s));
  EXPECT_TRUE(ndjson.complete());

  EXPECT_TRUE(wait_for_gauges(
      s.port(), {{"eventstreams_source_readers", 0}, {"eventstreams_connections", 0}}));
}

// Sends `bytes` on a new connection (then half-closes when `then_shutdown`) and reads until
// the server closes it; true if it did within `timeout`.
bool server_closes_after(uint16_t port, std::string_view bytes, bool then_shutdown,
                         std::chrono::milliseconds timeout = 10s) {
  const auto deadline = deadline_after(timeout);
  TcpConnection conn = TcpConnection::connect(port, deadline);
  try {
    conn.write_all(bytes, deadline);
  } catch (const std::exception&) {
    // Refused before everything was read (e.g. a huge request line): fine.
  }
  if (then_shutdown) ::shutdown(conn.fd(), SHUT_WR);
  std::string received;
  while (true) {
    const ReadResult r = conn.read_some(received, deadline);
    if (r == ReadResult::kData) continue;
    return r != ReadResult::kTimeout;
  }
}

TEST(Lifecycle, ServerKeepsWorkingAfterBadInput) {
  OneStream s = start_one(1);
  const uint16_t port = s.port();
  int bad = 0;
  // Bad since.
  for (const char* since : {"nonsense", "1e99x", "2024-02-30T25:61:00Z", "%ff%fe"}) {
    EXPECT_EQ(get(port, std::string("/v2/stream/edits?since=") + since).status, 400) << since;
    ++bad;
  }
  // Bad Last-Event-ID.
  for (std::string leid :
       {std::string("not json"), std::string("[]"),
        std::string("[{\"topic\":\"" + s.topic + "\",\"partition\":0}]"), std::string(4000, '[')}) {
    EXPECT_EQ(get(port, "/v2/stream/edits", {{"Last-Event-ID", leid}}).status, 400)
        << leid.substr(0, 40);
    ++bad;
  }
  // Raw garbage on a TCP connection.
  const std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\xff\x00", 13);
  EXPECT_TRUE(server_closes_after(port, tls_hello, /*then_shutdown=*/true));
  ++bad;
  EXPECT_TRUE(server_closes_after(port, "GARBAGE\r\n\r\n", false));
  ++bad;
  EXPECT_TRUE(server_closes_after(port, std::string("\0\x01\x02\xff\r\n\r\n", 8), false));
  ++bad;
  // (A header line without a colon is skipped by the HTTP parser: not a stream here, or the
  // request would be a valid, endless one.)
  EXPECT_TRUE(server_closes_after(
      port, "GET /_info HTTP/1.1\r\nno colon here\r\nConnection: close\r\n\r\n", false));
  ++bad;
  EXPECT_TRUE(server_closes_after(port, "GET /v2/stream/edits HTTP/1.1\r\nHost: x\r\n", true));
  ++bad;
  // Request lines of 100 KB.
  const std::string huge_query =
      "GET /v2/stream/edits?since=" + std::string(100 * 1024, '9') + " HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_TRUE(server_closes_after(port, huge_query, false));
  ++bad;
  std::string many_streams = "GET /v2/stream/";
  while (many_streams.size() < 100 * 1024) many_streams += "edits,nope,";
  many_streams += " HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_TRUE(server_closes_after(port, many_streams, false));
  ++bad;
  // A 100 KB header.
  EXPECT_TRUE(server_closes_after(port,
                                  "GET /v2/stream/edits HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " +
                                      std::string(100 * 1024, 'x') + "\r\n\r\n",
                                  false));
  ++bad;
  // Invalid URL encoding, unknown streams, wrong methods.
  EXPECT_EQ(get(port, "/v2/stream/ed%zzits").status, 404);
  ++bad;
  EXPECT_EQ(get(port, "/v2/stream/nope").status, 404);
  ++bad;
  EXPECT_EQ(request(port, "POST", "/v2/stream/edits", {}, 10s, "x").status, 405);
  ++bad;
  // A stream request whose client vanishes before reading anything.
  {
    TcpConnection conn = TcpConnection::connect(port, deadline_after(5s));
    conn.write_all("GET /v2/stream/edits?since=0 HTTP/1.1\r\nHost: x\r\n\r\n", deadline_after(5s));
    conn.close_abortive();
  }
  ++bad;
  ASSERT_EQ(bad, 20);

  ASSERT_TRUE(s.server->running()) << s.server->log_text();
  EXPECT_TRUE(wait_for_gauges(port, {{"eventstreams_source_readers", 0},
                                     {"eventstreams_private_hubs", 0},
                                     {"eventstreams_live_hubs", 0},
                                     {"eventstreams_connections", 0}}));

  // A normal stream still works.
  StreamClient client(port, "/v2/stream/edits?since=0");
  ASSERT_EQ(client.status(), 200);
  Producer producer;
  producer.produce(s.topic, 0, event_json(42));
  const auto ev = client.next_event(15s);
  ASSERT_TRUE(ev.has_value()) << client.raw();
  EXPECT_NE(ev->data.find("\"n\":42"), std::string::npos) << ev->data;
  client.close();
  EXPECT_TRUE(
      wait_for_gauges(port, {{"eventstreams_source_readers", 0}, {"eventstreams_connections", 0}}));
  EXPECT_EQ(s.server->stop(10s), 0) << s.server->log_text();
}

}  // namespace
}  // namespace eventstreams::testing
