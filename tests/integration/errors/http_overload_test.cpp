// More simultaneous connections than the HTTP threads and their queue take (http_threads,
// http_max_queued): every connection gets a well-formed response, a stream (200) or a SPEC 4
// problem (503 service_unavailable), never a close without a word; and the server serves
// normally afterwards.
#include <poll.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "errors_util.h"
#include "support/chunked_decoder.h"
#include "support/sse_client.h"

namespace eventstreams::testing::errors {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kTarget = "/v2/stream/recentchange";

struct Probe {
  explicit Probe(TcpConnection c) : conn(std::move(c)) {}
  TcpConnection conn;
  std::string raw;
  bool closed = false;  // EOF or error from the server side
};

enum class Outcome { kPending, kStream, kOverload, kBad };

// What a connection got so far. kBad: closed without a complete response, or not 200 / 503.
Outcome classify(const Probe& p, std::string* why = nullptr) {
  const auto end = find_head_end(p.raw);
  if (!end) {
    if (why) *why = "closed without a response; got: '" + p.raw + "'";
    return p.closed ? Outcome::kBad : Outcome::kPending;
  }
  std::string error;
  const auto head = parse_response_head(std::string_view(p.raw).substr(0, *end - 2), &error);
  if (!head) {
    if (why) *why = "malformed head: " + error;
    return Outcome::kBad;
  }
  const std::string_view body = std::string_view(p.raw).substr(*end);
  if (head->status == 200 && is_chunked(head->headers)) {
    ChunkedDecoder decoder;
    std::string data;
    decoder.feed(body, data);
    if (data.size() >= 5) {
      if (data.substr(0, 5) == ":ok\n\n") return Outcome::kStream;
      if (why) *why = "stream does not start with :ok: " + data;
      return Outcome::kBad;
    }
    if (why) *why = "stream closed before its first bytes";
    return p.closed ? Outcome::kBad : Outcome::kPending;
  }
  if (head->status == 503) {
    const auto length = content_length(head->headers);
    if (!length) {
      if (why) *why = "503 without Content-Length";
      return Outcome::kBad;
    }
    if (body.size() >= *length) return Outcome::kOverload;
    if (why) *why = "503 body cut short";
    return p.closed ? Outcome::kBad : Outcome::kPending;
  }
  if (why) *why = "unexpected status " + std::to_string(head->status) + ": " + p.raw;
  return Outcome::kBad;
}

// Reads from every connection still pending until `enough` says stop or `deadline`.
template <typename Enough>
void read_until(std::vector<Probe>& probes, Enough enough, Clock::time_point deadline) {
  while (!enough() && Clock::now() < deadline) {
    std::vector<pollfd> fds;
    std::vector<Probe*> owners;
    for (auto& p : probes) {
      if (p.closed || classify(p) != Outcome::kPending) continue;
      fds.push_back({p.conn.fd(), POLLIN, 0});
      owners.push_back(&p);
    }
    if (fds.empty()) return;
    const int n = ::poll(fds.data(), fds.size(), std::min(poll_timeout_ms(deadline), 200));
    if (n <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const ReadResult r = owners[i]->conn.read_some(owners[i]->raw, Clock::now());
      if (r == ReadResult::kEof || r == ReadResult::kError) owners[i]->closed = true;
    }
  }
}

// The 503 is the server's SPEC 4 problem, with the common headers, Retry-After and close.
void expect_overload_response(const Probe& p) {
  const size_t end = *find_head_end(p.raw);
  auto head = parse_response_head(std::string_view(p.raw).substr(0, end - 2), nullptr);
  ASSERT_TRUE(head.has_value());
  HttpResponse r;
  r.version = head->version;
  r.status = head->status;
  r.reason = head->reason;
  r.headers = head->headers;
  r.body = p.raw.substr(end, *content_length(head->headers));
  EXPECT_EQ(r.version, "HTTP/1.1");
  expect_problem(r, 503, "service_unavailable", "GET", kTarget);
  expect_common_headers(r.headers, "*", "overload 503");
  EXPECT_EQ(r.header("Retry-After").value_or("<none>"), "5");
  EXPECT_EQ(r.header("Connection").value_or("<none>"), "close");
}

long long metric(uint16_t port, const std::string& name) {
  const std::string body = get(port, "/metrics").body;
  const std::string prefix = name + " ";
  for (size_t pos = 0; pos < body.size();) {
    size_t eol = body.find('\n', pos);
    if (eol == std::string::npos) eol = body.size();
    if (body.compare(pos, prefix.size(), prefix) == 0) {
      return std::stoll(body.substr(pos + prefix.size(), eol - pos - prefix.size()));
    }
    pos = eol + 1;
  }
  return -1;
}

// The server is back to no stream connection, then serves a stream and a plain route.
void expect_serves_normally(uint16_t port) {
  const auto deadline = deadline_after(10s);
  long long open = -1;
  while ((open = metric(port, "eventstreams_connections")) != 0 && Clock::now() < deadline) {
    // Bounded polling while the event loops notice the closes; not a synchronisation sleep.
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(open, 0) << "stream connections left after every client closed";
  StreamClient client(port, std::string(kTarget));
  ASSERT_EQ(client.status(), 200);
  EXPECT_TRUE(client.raw_until(":ok\n\n", 10s));
  EXPECT_EQ(get(port, "/_info").status, 200);
}

// Opens `n` connections and sends each the stream request.
std::vector<Probe> open_requests(uint16_t port, int n, Clock::time_point deadline) {
  std::vector<Probe> probes;
  probes.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) probes.emplace_back(TcpConnection::connect(port, deadline));
  const std::string req = build_request("GET", kTarget, port, {});
  for (auto& p : probes) p.conn.write_all(req, deadline);
  return probes;
}

long count_outcome(const std::vector<Probe>& probes, Outcome o) {
  return std::count_if(probes.begin(), probes.end(), [&](auto& p) { return classify(p) == o; });
}

// Every probe got a stream or a well-formed 503; `ctx` names the set in failures.
void expect_stream_or_overload(const std::vector<Probe>& probes, const std::string& ctx) {
  for (size_t i = 0; i < probes.size(); ++i) {
    std::string why;
    const Outcome o = classify(probes[i], &why);
    EXPECT_TRUE(o == Outcome::kStream || o == Outcome::kOverload)
        << "connection " << i << ctx << ": " << why;
    if (o == Outcome::kOverload) expect_overload_response(probes[i]);
  }
}

TEST(HttpOverload, FullQueueIsAnswered503NotClosedSilently) {
  Env env = start_env("http_threads: 1\nhttp_max_queued: 2\n");
  const auto deadline = deadline_after(60s);
  // Holds the only HTTP thread: a keep-alive request served, the thread then waiting on the
  // connection for the next one. (A connection that sends nothing holds no thread: it waits
  // for its head off the pool, in http/head_gate.h.)
  Probe holder(TcpConnection::connect(env.port(), deadline));
  holder.conn.write_all(build_request("GET", "/_info", env.port(), {}), deadline);
  while (Clock::now() < deadline) {
    const auto end = find_head_end(holder.raw);
    if (end) {
      const auto head =
          parse_response_head(std::string_view(holder.raw).substr(0, *end - 2), nullptr);
      ASSERT_TRUE(head.has_value()) << holder.raw;
      if (holder.raw.size() >= *end + content_length(head->headers).value_or(0)) break;
    }
    ASSERT_EQ(holder.conn.read_some(holder.raw, deadline), ReadResult::kData) << holder.raw;
  }
  ASSERT_EQ(holder.raw.rfind("HTTP/1.1 200", 0), 0u) << holder.raw;
  holder.raw.clear();

  // Two of these fit in the queue (one if the holder was still in it, the thread not started
  // yet, when the queue filled); the others are over the limit at accept time.
  constexpr int kClients = 30;
  std::vector<Probe> probes = open_requests(env.port(), kClients, deadline);
  const std::string req = build_request("GET", kTarget, env.port(), {});
  auto count = [&](Outcome o) { return count_outcome(probes, o); };
  // The rejected ones are answered while the thread is still held.
  read_until(
      probes, [&] { return count(Outcome::kOverload) >= kClients - 2; }, deadline);
  const auto overloaded = count(Outcome::kOverload);
  EXPECT_GE(overloaded, kClients - 2);
  EXPECT_EQ(count(Outcome::kStream), 0) << "a queued request was served while the thread was held";

  // Let the thread go: the holder's own request, then the queued ones, are streams.
  holder.conn.write_all(req, deadline);
  read_until(
      probes, [&] { return count(Outcome::kPending) == 0; }, deadline);
  std::vector<Probe> one;
  one.push_back(std::move(holder));
  read_until(
      one, [&] { return classify(one[0]) != Outcome::kPending; }, deadline);
  EXPECT_EQ(classify(one[0]), Outcome::kStream) << one[0].raw;

  expect_stream_or_overload(probes, "");
  EXPECT_EQ(count(Outcome::kStream) + count(Outcome::kOverload), kClients);
  EXPECT_GE(count(Outcome::kStream), 1);
  EXPECT_EQ(metric(env.port(), "eventstreams_http_overload_responses_total"),
            count(Outcome::kOverload));
  EXPECT_EQ(metric(env.port(), "eventstreams_http_overload_dropped_total"), 0);

  for (auto& p : probes) p.conn.close_graceful();
  one[0].conn.close_graceful();
  expect_serves_normally(env.port());
}

TEST(HttpOverload, BurstOfConnectionsIsAllAnswered) {
  // Every client and its server side need a descriptor.
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  const int clients = static_cast<int>(std::min<rlim_t>(500, (rl.rlim_cur - 200) / 2));
  ASSERT_GE(clients, 100) << "ulimit -n too low for this test";

  Env env = start_env("http_threads: 2\nhttp_max_queued: 8\n");
  const auto deadline = deadline_after(120s);
  std::vector<Probe> probes = open_requests(env.port(), clients, deadline);
  auto count = [&](Outcome o) { return count_outcome(probes, o); };
  read_until(
      probes, [&] { return count(Outcome::kPending) == 0; }, deadline);
  expect_stream_or_overload(probes, " of " + std::to_string(clients));
  const auto streams = count(Outcome::kStream), overloaded = count(Outcome::kOverload);
  RecordProperty("streams", static_cast<int>(streams));
  RecordProperty("overloaded", static_cast<int>(overloaded));
  EXPECT_GE(streams, 1);
  EXPECT_EQ(metric(env.port(), "eventstreams_http_overload_responses_total"), overloaded);

  for (auto& p : probes) p.conn.close_graceful();
  expect_serves_normally(env.port());
}

}  // namespace
}  // namespace eventstreams::testing::errors
