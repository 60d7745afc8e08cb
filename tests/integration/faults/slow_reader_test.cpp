// A reader that stops reading (SPEC 6, slow clients): once its unsent data passes
// client_buffer_bytes it is dropped, while another client of the same live stream receives
// every event, in order, and goes on.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "faults_util.h"
#include "support/http_message.h"
#include "support/kafka_broker.h"
#include "support/metrics_text.h"
#include "support/producer.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/tcp_connection.h"

namespace eventstreams::testing::faults {
namespace {

using namespace std::chrono_literals;

TEST(SlowReader, AStalledClientIsDroppedPastTheBoundWhileAnotherGetsEveryEvent) {
  constexpr std::size_t kBound = 1 << 20;
  constexpr int kEvents = 1500;
  constexpr std::size_t kEventBytes = 8 * 1024;  // 12 MB in all: past the bound plus what the
                                                 // kernel buffers (4 MB send, tiny receive)
  constexpr int kPartitions = 2;
  auto& kafka = KafkaBroker::shared();
  const std::string topic = kafka.create_unique_topic("stall", kPartitions);
  ServerProcess server(one_stream(kafka.bootstrap(), "edits", {topic},
                                  "client_buffer_bytes: " + std::to_string(kBound) + "\n"));

  StreamClient reader(server.port(), "/v2/stream/edits");
  ASSERT_EQ(reader.status(), 200);
  ASSERT_TRUE(reader.raw_until(":ok\n\n", 10s));

  // The stalled client: a small receive buffer, reads its head, then nothing.
  const auto deadline = deadline_after(120s);
  TcpConnection stalled = TcpConnection::connect(server.port(), deadline);
  const int rcvbuf = 4096;
  ASSERT_EQ(::setsockopt(stalled.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf), 0);
  stalled.write_all(build_request("GET", "/v2/stream/edits", server.port(), {}), deadline);
  std::string stalled_bytes;
  while (stalled_bytes.find(":ok\n\n") == std::string::npos) {
    ASSERT_EQ(stalled.read_some(stalled_bytes, deadline), ReadResult::kData) << stalled_bytes;
  }
  ASSERT_NE(stalled_bytes.find("HTTP/1.1 200"), std::string::npos) << stalled_bytes;
  ASSERT_TRUE(wait_for_gauges(server.port(), {{"eventstreams_connections", 2}}));

  // The reading client reads on its own thread while events are produced.
  Received got;
  long long got_bytes = 0;
  std::atomic<int> received{0};
  std::thread reading([&] {
    const auto until = deadline_after(120s);
    for (int i = 0; i < kEvents && Clock::now() < until; ++i) {
      auto ev = reader.next_event(
          std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
      if (!ev) break;
      got_bytes += static_cast<long long>(ev->data.size());
      if (auto pos = position_of(ev->data))
        got[{pos->topic, pos->partition}].push_back(pos->offset);
      ++received;
    }
  });
  const auto t_start = Clock::now();
  Producer producer;
  const std::string pad(kEventBytes, 'x');
  // Batches of 50 (400 KB), each once the reader has had all but the last: the reader stays
  // within its own bound however slowly a loaded (or sanitized) machine runs it, while the
  // stalled client, which takes nothing, goes past it.
  constexpr int kBatch = 50;
  for (int b = 0; b < kEvents / kBatch; ++b) {
    const auto paced = deadline_after(60s);
    while (received.load() < (b - 1) * kBatch && Clock::now() < paced) {
      std::this_thread::sleep_for(5ms);
    }
    std::vector<ProduceMessage> batch;
    for (int i = 0; i < kBatch; ++i) {
      const int n = b * kBatch + i;
      batch.push_back({topic, n % kPartitions,
                       R"({"meta":{"domain":"test.example.org"},"n":)" + std::to_string(n) +
                           R"(,"pad":")" + pad + R"("})",
                       std::nullopt, std::nullopt});
    }
    producer.produce_many(batch);
  }
  reading.join();
  const auto t_read = Clock::now();
  const std::vector<std::int64_t> end(kPartitions, kEvents / kPartitions);
  EXPECT_TRUE(exactly_once_in_order(got, topic, end));
  EXPECT_FALSE(reader.ended());

  // The stalled one was dropped: only the reader is left...
  EXPECT_TRUE(wait_for_gauges(server.port(), {{"eventstreams_connections", 1}}, 30s));
  EXPECT_TRUE(server.wait_for_log("client too slow"));
  // (Its body is not read to the end: through its tiny window the kernel would trickle out
  // the megabytes it had already taken for 100 s.)
  stalled.close_abortive();
  std::cerr << "[faults] reader: " << total(end) << "/" << total(end) << " events, " << got_bytes
            << " payload bytes, produced and read in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(t_read - t_start).count()
            << " ms; the stalled client (bound " << kBound << " bytes) dropped\n";

  // The reader goes on.
  producer.produce(topic, 0, event_json(kEvents));
  auto ev = reader.next_event(30s);
  ASSERT_TRUE(ev.has_value());
  const auto pos = position_of(ev->data);
  ASSERT_TRUE(pos.has_value());
  EXPECT_EQ(pos->offset, end[0]);
}

}  // namespace
}  // namespace eventstreams::testing::faults
