// 10,000 connect / disconnect cycles with abortive closes (RST, SO_LINGER 0): right after
// connecting, in the middle of the request head, and in the middle of a stream. Afterwards the
// connection gauges are back where they were, the server's open descriptors back to their
// baseline, its memory grown by no more than a generous bound, and a client still gets every
// event.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "faults_util.h"
#include "support/http_client.h"
#include "support/http_message.h"
#include "support/kafka_broker.h"
#include "support/metrics_text.h"
#include "support/producer.h"
#include "support/sanitizers.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/tcp_connection.h"

namespace eventstreams::testing::faults {
namespace {

using namespace std::chrono_literals;

// Inodes of the TCP sockets connected to `remote_port` on 127.0.0.1 (/proc/net/tcp).
std::set<std::string> sockets_to(int remote_port) {
  std::set<std::string> inodes;
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, ":%04X", remote_port);
  while (std::getline(tcp, line)) {
    std::istringstream in(line);
    std::string sl, local, remote, st, queues, timer, retr, uid, timeout, inode;
    in >> sl >> local >> remote >> st >> queues >> timer >> retr >> uid >> timeout >> inode;
    if (remote.size() > 5 && remote.substr(remote.size() - 5) == port_hex) inodes.insert(inode);
  }
  return inodes;
}

// The server's open descriptors: number -> what it is, without its connections to Kafka
// (librdkafka opens and closes those as it sees fit).
std::map<std::string, std::string> descriptors(pid_t pid) {
  const int kafka_port = std::stoi(
      KafkaBroker::shared().bootstrap().substr(KafkaBroker::shared().bootstrap().rfind(':') + 1));
  const std::set<std::string> kafka = sockets_to(kafka_port);
  std::map<std::string, std::string> fds;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code lec;
    const std::string what = std::filesystem::read_symlink(it->path(), lec).string();
    if (what.rfind("socket:[", 0) == 0 && kafka.count(what.substr(8, what.size() - 9)) != 0) {
      continue;
    }
    fds[it->path().filename().string()] = what;
  }
  return fds;
}
long open_descriptors(pid_t pid) {
  return static_cast<long>(descriptors(pid).size());
}
std::string describe(const std::map<std::string, std::string>& fds) {
  std::string out;
  for (const auto& [fd, what] : fds) out += fd + "=" + what + " ";
  return out;
}

long rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

long connected_clients(uint16_t port) {
  return metric_sum(get(port, "/metrics").body, "eventstreams_connected_clients").value_or(0);
}

// One cycle of kind `kind`: 0 connect then RST, 1 half a head then RST, 2 a whole stream
// request, its head and ":ok", then RST.
void cycle(uint16_t port, int kind, const std::string& request) {
  const auto deadline = deadline_after(30s);
  TcpConnection conn = TcpConnection::connect(port, deadline);
  if (kind == 1) conn.write_all(request.substr(0, request.size() / 2), deadline);
  if (kind == 2) {
    conn.write_all(request, deadline);
    std::string got;
    while (got.find(":ok\n\n") == std::string::npos) {
      if (conn.read_some(got, deadline) != ReadResult::kData) {
        throw std::runtime_error("stream request not answered: " + got.substr(0, 300));
      }
    }
  }
  conn.close_abortive();
}

TEST(Churn, TenThousandAbortiveCyclesLeaveNoConnectionDescriptorOrMemoryBehind) {
  constexpr int kCycles = 10000;
  auto& kafka = KafkaBroker::shared();
  const std::string topic = kafka.create_unique_topic("churn", 2);
  ServerProcess server(one_stream(kafka.bootstrap(), "edits", {topic}));
  const uint16_t port = server.port();
  const pid_t pid = server.pid();
  const std::string request = build_request("GET", "/v2/stream/edits", port, {});

  // A client that stays throughout (it keeps the live hub), an event through it (the hub's
  // reader connects to the partitions' leader), and a warm-up.
  StreamClient stayer(port, "/v2/stream/edits");
  ASSERT_EQ(stayer.status(), 200);
  ASSERT_TRUE(stayer.raw_until(":ok\n\n", 10s));
  Producer producer;
  producer.produce(topic, 0, event_json(-1));
  Received got;
  const auto first = stayer.next_event(30s);
  ASSERT_TRUE(first.has_value());
  if (auto pos = position_of(first->data)) got[{pos->topic, pos->partition}].push_back(pos->offset);
  for (int i = 0; i < 300; ++i) cycle(port, i % 3, request);
  ASSERT_TRUE(wait_for_gauges(port, {{"eventstreams_connections", 1}}, 30s));
  const auto fds_at_start = descriptors(pid);
  const long fds_before = static_cast<long>(fds_at_start.size());
  const long rss_before = rss_kb(pid);
  ASSERT_EQ(connected_clients(port), 1);

  const auto started = Clock::now();
  long n = 0;
  for (int i = 0; i < kCycles; ++i) {
    // Events flow meanwhile: mid-stream closes find data in flight.
    if (i % 500 == 0) producer.produce(topic, static_cast<int>(n % 2), event_json(n)), ++n;
    ASSERT_NO_THROW(cycle(port, i % 3, request)) << "cycle " << i;
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);

  EXPECT_TRUE(wait_for_gauges(port, {{"eventstreams_connections", 1}}, 30s));
  // The per-stream gauge too (labelled): only the one that stayed.
  const auto until = deadline_after(30s);
  while (connected_clients(port) != 1 && Clock::now() < until) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(connected_clients(port), 1) << get(port, "/metrics").body;
  // Descriptors back to the baseline (polled: closes finish on the event loops).
  long fds_after = open_descriptors(pid);
  while (fds_after > fds_before && Clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    fds_after = open_descriptors(pid);
  }
  EXPECT_LE(fds_after, fds_before)
      << "before: " << describe(fds_at_start) << "\nafter: " << describe(descriptors(pid));
  const long rss_after = rss_kb(pid);
  // Under ASan freed memory waits in its quarantine (256 MB by default), so RSS says nothing
  // about leaks there; LeakSanitizer checks them at exit instead.
  if (!kAddressSanitized) {
    EXPECT_LT(rss_after - rss_before, 64 * 1024)
        << "RSS grew from " << rss_before << " to " << rss_after << " kB";
  }
  std::cerr << "[faults] " << kCycles << " cycles in " << took.count() << " ms; fds " << fds_before
            << " -> " << fds_after << "; RSS " << rss_before << " -> " << rss_after << " kB\n";

  // The client that stayed got every event produced meanwhile, in order.
  for (long i = 0; i < n; ++i) {
    auto ev = stayer.next_event(30s);
    if (!ev) break;
    if (auto pos = position_of(ev->data)) got[{pos->topic, pos->partition}].push_back(pos->offset);
  }
  EXPECT_TRUE(exactly_once_in_order(got, topic, {1 + (n + 1) / 2, n / 2}));
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace eventstreams::testing::faults
