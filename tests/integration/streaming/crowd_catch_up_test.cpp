// A crowd replaying the same past (issue 13 item 2), against the real broker: 50 EventSource
// clients ask for a topic's backlog from its beginning, 10 ms apart, one of them reading
// slowly. They share Kafka consumers (a catch-up hub's replay ring, or the live hub's once
// the first reached the head) instead of one each, and every client, reconnecting with its
// own last id whenever its stream ends, receives every event exactly once, in order per
// partition; the slow one holds no one back.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "streaming_fixture.h"

namespace eventstreams::testing {
namespace {

constexpr int kClients = 50;
constexpr int kEvents = 2000;
constexpr int kSlowClient = 7;

struct Outcome {
  std::vector<Received> events;
  int connections = 0;
  bool done = false;
  std::chrono::steady_clock::time_point finished;
};

double metric(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const auto at = text.find(key);
  return at == std::string::npos ? -1 : std::stod(text.substr(at + key.size()));
}

class CrowdCatchUp : public StreamingTest {};

TEST_F(CrowdCatchUp, FiftyStaggeredClientsShareReadersAndGetEveryEventOnce) {
  const std::string t = topic("crowd", 2);
  const std::int64_t base = now_ms() - 60 * 60 * 1000;
  std::vector<ProduceMessage> msgs;
  const std::string pad(200, 'p');
  for (int i = 0; i < kEvents; ++i) {
    msgs.push_back({t, i % 2, R"({"i":)" + std::to_string(i) + R"(,"pad":")" + pad + "\"}",
                    std::nullopt, base + i});
  }
  producer().produce_many(msgs);
  // Buffers that hold the whole backlog: joining is by timing alone, not luck with budgets.
  start_server({{"crowd", {t}}},
               "client_buffer_bytes: 16777216\ncatch_up_replay_bytes: 33554432\n"
               "live_hub_linger_ms: 60000\n");
  const uint16_t port = server_->port();

  std::vector<Outcome> outcomes(kClients);
  std::atomic<int> peak_readers{0};
  std::atomic<bool> watching{true};
  std::thread watcher([&] {
    while (watching.load()) {
      const double readers = metric(get(port, "/metrics").body, "eventstreams_source_readers");
      if (readers > peak_readers.load()) peak_readers.store(static_cast<int>(readers));
      std::this_thread::sleep_for(20ms);
    }
  });
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      Outcome& out = outcomes[c];
      std::string last_id;
      const auto deadline = std::chrono::steady_clock::now() + 120s;
      while (out.events.size() < kEvents && std::chrono::steady_clock::now() < deadline) {
        // As EventSource does: the first request from the start, then its last id.
        Headers headers;
        if (!last_id.empty()) headers.emplace("Last-Event-ID", last_id);
        StreamClient client(port, last_id.empty() ? "/v2/stream/crowd?since=0" : "/v2/stream/crowd",
                            headers);
        ++out.connections;
        if (client.status() != 200) continue;
        while (out.events.size() < kEvents) {
          auto e = client.next_event(10s);
          if (!e) break;  // ended (or quiet): reconnect with the last id
          out.events.push_back(decode(*e));
          last_id = e->id;
          if (c == kSlowClient && out.events.size() % 10 == 0) std::this_thread::sleep_for(5ms);
        }
      }
      out.done = out.events.size() == kEvents;
      out.finished = std::chrono::steady_clock::now();
    });
    std::this_thread::sleep_for(10ms);
  }
  for (auto& th : clients) th.join();
  watching = false;
  watcher.join();

  for (int c = 0; c < kClients; ++c) {
    const Outcome& out = outcomes[c];
    ASSERT_TRUE(out.done) << "client " << c << " got " << out.events.size() << " of " << kEvents
                          << " in " << out.connections << " connections";
    // Exactly once and in order: per partition, the offsets 0, 1, 2, ... with no gap.
    std::map<int, std::int64_t> next;
    for (const Received& r : out.events) {
      ASSERT_EQ(r.topic, t);
      ASSERT_EQ(r.offset, next[r.partition]) << "client " << c << " partition " << r.partition;
      ++next[r.partition];
    }
    EXPECT_EQ(next[0] + next[1], kEvents);
  }
  // The slow reader held no one back: every other client finished before it.
  for (int c = 0; c < kClients; ++c) {
    if (c != kSlowClient) {
      EXPECT_LT(outcomes[c].finished, outcomes[kSlowClient].finished) << c;
    }
  }
  const std::string text = get(port, "/metrics").body;
  const double shared = metric(text, "eventstreams_catch_up_shared_total") +
                        metric(text, "eventstreams_resumes_replayed_total");
  EXPECT_GE(shared, kClients - 5) << text;
  EXPECT_LE(peak_readers.load(), 5) << "readers for " << kClients << " clients";
  EXPECT_GE(peak_readers.load(), 1);
}

}  // namespace
}  // namespace eventstreams::testing
