// SIGTERM with 200 clients streaming (SPEC 6, graceful shutdown): every client has received
// every event produced, then gets the clean end of its chunked body, and the server exits 0
// within a bound.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

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

struct Client {
  std::unique_ptr<StreamClient> stream;
  bool ndjson = false;
  Received received;
};

// Reads events until `want` have arrived (or the bound passes), recording their positions.
void read_events(Client& c, long long want, std::chrono::milliseconds bound) {
  const auto deadline = deadline_after(bound);
  long long n = 0;
  while (n < want && Clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<std::string> payload;
    if (c.ndjson) {
      payload = c.stream->next_line(left);
      if (payload && payload->empty()) continue;  // heartbeat
    } else if (auto ev = c.stream->next_event(left)) {
      payload = ev->data;
    }
    if (!payload) return;
    const auto pos = position_of(*payload);
    if (!pos) {
      ADD_FAILURE() << "event without meta position: " << *payload;
      return;
    }
    c.received[{pos->topic, pos->partition}].push_back(pos->offset);
    ++n;
  }
}

TEST(Shutdown, SigtermWith200StreamingClientsEndsEveryBodyAndExitsZero) {
  constexpr int kClients = 200;
  constexpr int kPartitions = 2;
  constexpr int kPerPartition = 10;
  auto& kafka = KafkaBroker::shared();
  const std::string topic = kafka.create_unique_topic("sigterm", kPartitions);
  ServerProcess server(one_stream(kafka.bootstrap(), "edits", {topic}));

  // Most clients at the live head (one shared reader), some NDJSON, some catching up from the
  // start on readers of their own.
  std::vector<Client> clients(kClients);
  for (int i = 0; i < kClients; ++i) {
    Client& c = clients[i];
    c.ndjson = i % 20 == 1;
    const bool from_start = i % 20 == 2;
    Headers headers;
    if (c.ndjson) headers.emplace("Accept", "application/json");
    c.stream = std::make_unique<StreamClient>(
        server.port(), from_start ? "/v2/stream/edits?since=0" : "/v2/stream/edits", headers, 30s);
    ASSERT_EQ(c.stream->status(), 200) << "client " << i << ": " << c.stream->raw();
    if (!c.ndjson) {
      ASSERT_TRUE(c.stream->raw_until(":ok\n\n", 10s)) << "client " << i;
    }
  }
  ASSERT_TRUE(wait_for_gauges(server.port(), {{"eventstreams_connections", kClients}}, 30s));

  Producer producer;
  std::vector<ProduceMessage> batch;
  for (int i = 0; i < kPartitions * kPerPartition; ++i) {
    batch.push_back({topic, i % kPartitions, event_json(i), std::nullopt, std::nullopt});
  }
  producer.produce_many(batch);
  const std::vector<std::int64_t> end(kPartitions, kPerPartition);
  for (int i = 0; i < kClients; ++i) {
    read_events(clients[i], total(end), 60s);
    ASSERT_TRUE(exactly_once_in_order(clients[i].received, topic, end)) << "client " << i;
  }

  const auto signalled = Clock::now();
  server.signal(SIGTERM);
  int ended = 0;
  for (int i = 0; i < kClients; ++i) {
    SCOPED_TRACE("client " + std::to_string(i));
    StreamClient& s = *clients[i].stream;
    EXPECT_TRUE(s.read_to_end(30s)) << "stream not ended after SIGTERM";
    EXPECT_TRUE(s.complete()) << "no terminal chunk; body tail: "
                              << s.raw().substr(s.raw().size() > 200 ? s.raw().size() - 200 : 0);
    EXPECT_FALSE(s.framing_error()) << s.framing_error_message();
    if (s.complete()) ++ended;
  }
  const int status = server.stop(30s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - signalled);
  EXPECT_EQ(status, 0) << server.log_text();
  EXPECT_LT(took, 30s);
  RecordProperty("clients_cleanly_ended", ended);
  RecordProperty("exit_ms", static_cast<int>(took.count()));
  std::cerr << "[faults] " << ended << "/" << kClients << " bodies ended cleanly, each with "
            << total(end) << "/" << total(end) << " events; exit " << status << " after "
            << took.count() << " ms\n";
}

}  // namespace
}  // namespace eventstreams::testing::faults
