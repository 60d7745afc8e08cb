// Compressed streams end to end (issue 13 item 5), decoded the way clients decode them: curl
// --compressed, and Python's zlib on a raw socket (zclient.py, which also checks the chunk
// framing and that the compressed stream ends with a verified trailer). Every compressed
// client must read exactly the events an uncompressed client of the same stream reads.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/sse_client.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

std::string config_for(const TempDir& dir, int events_per_second, int heartbeat_ms) {
  const std::string streams =
      dir.write("streams.yaml", "rc: {topics: [eqiad.mediawiki.recentchange]}\n");
  return "interface: 127.0.0.1\nstream_config_uri: " + ServerProcess::quote(streams) +
         "\nkafka: {embedded: true, embedded_events_per_second: " +
         std::to_string(events_per_second) +
         "}\nheartbeat_interval_ms: " + std::to_string(heartbeat_ms) + "\n";
}

struct Event {
  std::string id;
  std::string data;
  bool operator==(const Event&) const = default;
};

// Events by payload only (which carries meta.offset): a replay's ids are the resuming
// client's own, computed from its position.
std::vector<Event> payloads(std::vector<Event> events) {
  for (Event& e : events) e.id.clear();
  return events;
}

// zclient.py as a child process; what it printed, parsed.
class ZClient {
 public:
  ZClient(uint16_t port, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"python3", ES_ZCLIENT, std::to_string(port), "/v2/stream/rc"};
    argv.insert(argv.end(), args.begin(), args.end());
    child_ = std::make_unique<ChildProcess>(argv, ChildProcess::Options{});
  }
  bool wait_ready(std::chrono::milliseconds timeout = 30s) {
    return child_->wait_for_output(
        [](std::string_view out) { return out.find("{\"ready\"") != std::string_view::npos; },
        deadline_after(timeout));
  }
  // Its exit status once it ended.
  std::optional<int> wait(std::chrono::milliseconds timeout = 30s) { return child_->wait(timeout); }
  std::string output() const { return child_->output(); }

  // The events (SSE) or lines (NDJSON, as data) printed so far; comments counted.
  std::vector<Event> events(int* comments = nullptr) const {
    std::vector<Event> out;
    std::istringstream in(child_->output());
    std::string line;
    while (std::getline(in, line)) {
      rapidjson::Document d;
      if (d.Parse(line.c_str()).HasParseError() || !d.IsObject()) continue;
      if (d.HasMember("event")) {
        const auto& e = d["event"];
        out.push_back({e.HasMember("id") ? e["id"].GetString() : "", e["data"].GetString()});
      } else if (d.HasMember("line")) {
        out.push_back({"", d["line"].GetString()});
      } else if (d.HasMember("comment") && comments) {
        ++*comments;
      }
    }
    return out;
  }
  std::string head_header(const std::string& name) const {
    std::istringstream in(child_->output());
    std::string line;
    std::getline(in, line);
    rapidjson::Document d;
    if (d.Parse(line.c_str()).HasParseError() || !d.HasMember("head")) return "";
    const auto& h = d["head"]["headers"];
    return h.HasMember(name.c_str()) ? h[name.c_str()].GetString() : "";
  }

 private:
  std::unique_ptr<ChildProcess> child_;
};

// Reads SSE events from an uncompressed client until it has every event in `wanted` (or
// a thousand more without it).
void identity_events_covering(StreamClient& client, std::vector<Event>& seen,
                              const std::vector<Event>& wanted, bool ids = true) {
  for (const Event& w : wanted) {
    for (int more = 0;; ++more) {
      const std::vector<Event> have = ids ? seen : payloads(seen);
      if (std::find(have.begin(), have.end(), w) != have.end()) break;
      auto ev = more < 1000 ? client.next_event(15s) : std::nullopt;
      if (!ev) {
        ADD_FAILURE() << "the uncompressed client never got " << w.id << " " << w.data;
        return;
      }
      seen.push_back({ev->id, ev->data});
    }
  }
}

// `part` is a run of consecutive events of `whole`; where it starts, or -1.
long position_in(const std::vector<Event>& whole, const std::vector<Event>& part) {
  if (part.empty()) return -1;
  auto it = std::find(whole.begin(), whole.end(), part.front());
  if (it == whole.end()) return -1;
  const long at = it - whole.begin();
  if (static_cast<std::size_t>(at) + part.size() > whole.size()) return -1;
  if (!std::equal(part.begin(), part.end(), it)) return -1;
  return at;
}

TEST(Compression, CurlCompressedDecodesSseAndNdjson) {
  TempDir dir("es-gzip-");
  ServerProcess server(config_for(dir, 50, 15000));
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v2/stream/rc";
  for (const std::string accept : {"text/event-stream", "application/json"}) {
    const std::string body = dir.path() + "/body", head = dir.path() + "/head";
    // --max-time ends the endless stream (exit 28): what arrived by then is decoded.
    const RunResult r = run_capture({"curl", "-sS", "-N", "--compressed", "--max-time", "3", "-H",
                                     "Accept: " + accept, "-D", head, "-o", body, url},
                                    20s);
    EXPECT_EQ(r.exit_code, 28) << r.output;
    std::ifstream hf(head), bf(body);
    const std::string head_text((std::istreambuf_iterator<char>(hf)), {});
    const std::string text((std::istreambuf_iterator<char>(bf)), {});
    EXPECT_NE(head_text.find("Content-Encoding: gzip\r\n"), std::string::npos) << head_text;
    EXPECT_NE(head_text.find("Vary: Accept-Encoding\r\n"), std::string::npos) << head_text;
    std::istringstream lines(text);
    std::string line;
    int events = 0;
    while (std::getline(lines, line)) {
      std::string json = line;
      if (accept == "text/event-stream") {
        if (line.rfind("data: ", 0) != 0) continue;
        json = line.substr(6);
      }
      if (json.empty()) continue;
      rapidjson::Document d;
      // The last line may be cut by --max-time.
      if (d.Parse(json.c_str()).HasParseError()) continue;
      EXPECT_TRUE(d.IsObject() && d.HasMember("meta")) << json;
      ++events;
    }
    EXPECT_GE(events, 10) << accept << "\n" << text.substr(0, 500);
    if (accept == "text/event-stream") {
      EXPECT_EQ(text.rfind(":ok\n\n", 0), 0u) << text;
    }
  }
}

// Two compressed clients of one group (gzip, then deflate a few batches later) decode, each
// from the batch it joined at, exactly the events an uncompressed client of the group reads.
TEST(Compression, ClientsJoiningAtDifferentBatchesReadWhatAnUncompressedClientReads) {
  TempDir dir("es-gzip-");
  ServerProcess server(config_for(dir, 50, 15000));
  StreamClient plain(server.port(), "/v2/stream/rc");
  ASSERT_EQ(plain.status(), 200);
  EXPECT_EQ(plain.header("Content-Encoding"), std::nullopt);
  EXPECT_EQ(plain.header("Vary").value_or(""), "Accept-Encoding");
  ZClient early(server.port(), {"--encoding", "gzip", "--events", "30"});
  ZClient late_events(server.port(), {"--encoding", "gzip", "--events", "5"});
  ASSERT_TRUE(late_events.wait_ready()) << late_events.output() << server.log_text();
  // Joins once the first has had five events: some batches later.
  ZClient late(server.port(), {"--encoding", "deflate", "--events", "20"});
  ASSERT_TRUE(early.wait_ready()) << early.output() << server.log_text();
  ASSERT_TRUE(late.wait_ready()) << late.output() << server.log_text();
  EXPECT_EQ(early.head_header("content-encoding"), "gzip");
  EXPECT_EQ(late.head_header("content-encoding"), "deflate");
  EXPECT_EQ(late.head_header("vary"), "Accept-Encoding");

  const std::vector<Event> a = early.events(), b = late.events();
  ASSERT_GE(a.size(), 30u);
  ASSERT_GE(b.size(), 20u);
  std::vector<Event> seen;
  identity_events_covering(plain, seen, a);
  identity_events_covering(plain, seen, b);
  const long at_a = position_in(seen, a), at_b = position_in(seen, b);
  EXPECT_GE(at_a, 0) << "the gzip client's events are not a run of the uncompressed client's";
  EXPECT_GE(at_b, 0) << "the deflate client's events are not a run of the uncompressed client's";
  EXPECT_GT(at_b, at_a) << "the late client started at a later batch";
  EXPECT_EQ(early.wait(), 0) << early.output();
  EXPECT_EQ(late.wait(), 0) << late.output();
}

// A resume near the head is served from the live hub's replay ring: its replay is a piece of
// its own, followed by the group's pieces.
TEST(Compression, AResumeFromTheReplayRingDecodes) {
  TempDir dir("es-gzip-");
  ServerProcess server(config_for(dir, 50, 15000));
  StreamClient plain(server.port(), "/v2/stream/rc");
  ASSERT_EQ(plain.status(), 200);
  std::vector<Event> seen;
  for (int i = 0; i < 20; ++i) {
    auto ev = plain.next_event(15s);
    ASSERT_TRUE(ev) << i;
    seen.push_back({ev->id, ev->data});
  }
  // Resumes after the fifth event: fifteen at once from memory, then live ones.
  ZClient resumed(server.port(),
                  {"--encoding", "gzip", "--events", "25", "--last-event-id", seen[4].id});
  ASSERT_TRUE(resumed.wait_ready()) << resumed.output() << server.log_text();
  const std::vector<Event> got = payloads(resumed.events());
  identity_events_covering(plain, seen, got, /*ids=*/false);
  EXPECT_EQ(position_in(payloads(seen), got), 5) << resumed.output().substr(0, 2000);
  EXPECT_NE(get(server.port(), "/metrics").body.find("eventstreams_resumes_replayed_total 1"),
            std::string::npos)
      << "served from the replay ring";
  EXPECT_EQ(resumed.wait(), 0);
}

// Heartbeats between events are compressed pieces too, and a server shutdown ends each
// compressed stream with a complete gzip member / zlib stream (zclient.py exits 0 only when
// zlib verified the trailer and nothing followed it).
TEST(Compression, HeartbeatsAndTheEndOfTheStreamDecode) {
  TempDir dir("es-gzip-");
  ServerProcess server(config_for(dir, 2, 100));
  ZClient sse(server.port(),
              {"--encoding", "gzip", "--events", "2", "--comments", "3", "--to-end"});
  ZClient ndjson(server.port(), {"--encoding", "deflate", "--accept", "application/json",
                                 "--events", "2", "--comments", "3", "--to-end"});
  ASSERT_TRUE(sse.wait_ready()) << sse.output() << server.log_text();
  ASSERT_TRUE(ndjson.wait_ready()) << ndjson.output() << server.log_text();
  EXPECT_EQ(server.stop(), 0);
  EXPECT_EQ(sse.wait(), 0) << sse.output();
  EXPECT_EQ(ndjson.wait(), 0) << ndjson.output();
  EXPECT_NE(sse.output().find("{\"end\": {\"eof\": true, \"unused\": 0}}"), std::string::npos)
      << sse.output();
  int comments = 0;
  ndjson.events(&comments);
  EXPECT_GE(comments, 3);
}

TEST(Compression, CodingsTheServerLacksOrRefusedGetIdentity) {
  TempDir dir("es-gzip-");
  ServerProcess server(config_for(dir, 50, 15000));
  for (const std::string ae : {"br", "gzip;q=0, deflate;q=0", "identity", "zstd, br;q=0.9"}) {
    StreamClient c(server.port(), "/v2/stream/rc", {{"Accept-Encoding", ae}});
    ASSERT_EQ(c.status(), 200) << ae;
    EXPECT_EQ(c.header("Content-Encoding"), std::nullopt) << ae;
    EXPECT_EQ(c.header("Vary").value_or(""), "Accept-Encoding") << ae;
    ASSERT_TRUE(c.raw_until(":ok\n\n", 10s)) << ae;
    EXPECT_EQ(c.raw().rfind(":ok\n\n", 0), 0u) << ae;
    ASSERT_TRUE(c.next_event(15s)) << ae;
  }
  // q-values choose between the two.
  StreamClient d(server.port(), "/v2/stream/rc", {{"Accept-Encoding", "gzip;q=0.4, deflate"}});
  EXPECT_EQ(d.header("Content-Encoding").value_or(""), "deflate");
  const HttpResponse head =
      request(server.port(), "HEAD", "/v2/stream/rc", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Encoding").value_or(""), "gzip");
}

}  // namespace
}  // namespace eventstreams::testing
