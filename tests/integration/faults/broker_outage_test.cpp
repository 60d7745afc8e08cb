// The Kafka broker goes away (SPEC 4, SPEC 6): a request while it is down is answered a 5xx
// JSON problem within start_timeout_ms (plus a margin), never left hanging, and once it is
// back new requests stream again, with every event. Each test runs a broker of its own.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "faults_util.h"
#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"

namespace eventstreams::testing::faults {
namespace {

using namespace std::chrono_literals;

constexpr int kStartTimeoutMs = 2000;

// Opens a stream, retrying (as EventSource does, every `retry`) until it is a 200 or the
// bound passes; nullptr then.
std::unique_ptr<StreamClient> open_when_served(uint16_t port, const std::string& target,
                                               std::chrono::milliseconds bound,
                                               int* attempts = nullptr) {
  const auto deadline = deadline_after(bound);
  while (Clock::now() < deadline) {
    if (attempts) ++*attempts;
    try {
      auto c = std::make_unique<StreamClient>(port, target, Headers{}, 30s);
      if (c->status() == 200) return c;
    } catch (const std::exception&) {
      // Timed out or closed: try again.
    }
    std::this_thread::sleep_for(500ms);  // EventSource's reconnection delay, not a sync
  }
  return nullptr;
}

// Reads SSE events until `n` arrived; their positions.
Received read_n(StreamClient& c, long long n, std::chrono::milliseconds bound) {
  Received got;
  const auto deadline = deadline_after(bound);
  for (long long i = 0; i < n && Clock::now() < deadline; ++i) {
    auto ev = c.next_event(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!ev) break;
    if (auto pos = position_of(ev->data)) got[{pos->topic, pos->partition}].push_back(pos->offset);
  }
  return got;
}

TEST(BrokerDown, RequestIsA5xxProblemWithinTheStartTimeoutAndServedOnceItIsBack) {
  auto broker = KafkaBroker::start_own();
  const std::string topic = broker->create_unique_topic("down", 2);
  ServerProcess server(one_stream(
      broker->bootstrap(), "edits", {topic},
      "start_timeout_ms: " + std::to_string(kStartTimeoutMs) + "\nlive_hub_linger_ms: 0\n"));
  {
    // The server has had metadata and streamed from this broker.
    Producer producer(broker->bootstrap());
    producer.produce(topic, 0, event_json(0));
    StreamClient c(server.port(), "/v2/stream/edits?since=0");
    ASSERT_EQ(c.status(), 200);
    ASSERT_TRUE(exactly_once_in_order(read_n(c, 1, 20s), topic, {1, 0}));
  }
  broker->stop_process();

  for (const std::string target : {"/v2/stream/edits?since=0", "/v2/stream/edits"}) {
    SCOPED_TRACE(target);
    const auto started = Clock::now();
    HttpResponse r;
    try {
      r = get(server.port(), target, {}, 60s);
    } catch (const std::exception& e) {
      FAIL()
          << e.what() << " after "
          << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
          << " ms\n"
          << server.log_text();
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    EXPECT_GE(r.status, 500) << r.body;
    EXPECT_LT(r.status, 600) << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json; charset=utf-8");
    EXPECT_NE(r.body.find("\"type\":\"kafka_error\""), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"status\":" + std::to_string(r.status)), std::string::npos) << r.body;
    // Bounded by start_timeout_ms, with a generous margin for a loaded machine.
    EXPECT_LT(took, std::chrono::milliseconds(kStartTimeoutMs) + 8s) << took.count() << " ms";
    std::cerr << "[faults] broker down: " << target << " -> " << r.status << " after "
              << took.count() << " ms\n";
  }
  EXPECT_EQ(get(server.port(), "/healthz", {}, 30s).status, 503);
  EXPECT_EQ(get(server.port(), "/_info").status, 200);

  broker->restart();
  int attempts = 0;
  auto c = open_when_served(server.port(), "/v2/stream/edits?since=0", 120s, &attempts);
  ASSERT_TRUE(c) << "no stream within 120 s of the broker's restart\n" << server.log_text();
  Producer producer(broker->bootstrap());
  producer.produce(topic, 1, event_json(1));
  EXPECT_TRUE(exactly_once_in_order(read_n(*c, 2, 30s), topic, {1, 1}));
  std::cerr << "[faults] broker back: streaming after " << attempts << " attempt(s)\n";
}

}  // namespace
}  // namespace eventstreams::testing::faults
