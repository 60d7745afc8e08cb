// The streaming engine over real sockets with an in-memory source, driven through its one entry
// point as the HTTP route drives it (open(), then Ticket::start()): shared live hubs, one
// encoding per event, invalid events skipped, slow clients dropped, errors ending streams,
// heartbeats, resumes from a live hub's recent events, and readers released when clients leave.
#include "streaming/stream_engine.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "compressed_body.h"
#include "fake_source.h"
#include "http/chunked.h"
#include "socket_peer.h"
#include "sse_encoder.h"
#include "sse_ids.h"

namespace eventstreams::streaming {
namespace {

using namespace std::chrono_literals;
using testing_support::Client;
using testing_support::dechunk;
using testing_support::FakeSource;
using testing_support::gunzip;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { make_engine(1 << 20, 0); }
  void TearDown() override { engine_.reset(); }

  void make_engine(std::size_t buffer, std::int64_t heartbeat_ms, int loops = 1,
                   std::size_t live_hub_clients = 256, std::int64_t linger_ms = 0,
                   std::size_t replay_bytes = 4 << 20) {
    engine_.reset();
    std::string error;
    encoder_ = std::make_unique<sse::SseEncoderFactory>(sse::SseConfig{});
    EngineOptions opt;
    opt.loops = loops;
    opt.live_hub_clients = live_hub_clients;
    opt.live_hub_linger_ms = linger_ms;
    opt.live_replay_bytes = replay_bytes;
    opt.client_buffer_bytes = buffer;
    opt.heartbeat_interval_ms = heartbeat_ms;
    engine_ = std::make_unique<StreamEngine>(
        opt, source_, std::vector<EncoderEntry>{{encoder_.get(), "sse"}}, logger_, metrics_);
    engine_->start();
  }

  // A request of stream "s" (topic "t"); resuming at `offset` by a Last-Event-ID of this
  // cluster when given, at the live head otherwise.
  static StreamRequest request_for(
      std::optional<std::int64_t> offset = std::nullopt,
      pipeline::ContentCoding coding = pipeline::ContentCoding::kIdentity) {
    StreamRequest r;
    r.coding = coding;
    r.topics = {"t"};
    r.group_key = "sse|s";
    r.client.streams = "s";
    if (offset) r.last_event_id.push_back({"t", 0, *offset, std::nullopt, std::string("fake")});
    return r;
  }

  // Opens the request and starts it on the server end of a new socket pair, the way the HTTP
  // route does; returns the client end.
  std::unique_ptr<Client> start(StreamRequest request, int sndbuf = 0) {
    int sv[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    if (sndbuf > 0) {
      setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
      setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof sndbuf);
    }
    auto ticket = engine_->open(std::move(request));
    EXPECT_TRUE(ticket) << ticket.error().detail;
    if (ticket) {
      EXPECT_TRUE(std::move(*ticket).start(sv[0], "HEAD\r\n\r\n"));
    }
    return std::make_unique<Client>(sv[1]);
  }

  std::unique_ptr<Client> attach_live(int sndbuf = 0) { return start(request_for(), sndbuf); }

  // A client resuming at `offset`; `replayed` tells whether the engine served it from a live
  // hub's recent events (its own decision) rather than a reader of its own.
  std::unique_ptr<Client> attach_resume(std::int64_t offset, bool* replayed = nullptr) {
    const auto before = metrics_.value("eventstreams_resumes_replayed_total");
    auto client = start(request_for(offset));
    if (replayed) *replayed = metrics_.value("eventstreams_resumes_replayed_total") > before;
    return client;
  }

  static std::size_t count(const std::string& s, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
  }

  template <class Pred>
  bool wait_until(Pred pred) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!pred()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }

  bool wait_connected(std::int64_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (metrics_.value("eventstreams_connected_clients", "stream=\"s\"") != n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(2ms);
    }
    return true;
  }

  bool wait_readers(std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (source_.open_readers() != n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  FakeSource source_;
  services::JsonLogger logger_{LogLevel::kError};
  services::MetricsRegistry metrics_;
  std::unique_ptr<sse::SseEncoderFactory> encoder_;
  std::unique_ptr<StreamEngine> engine_;
};

TEST_F(EngineTest, LiveClientsShareOneReaderAndReceiveTheSameBytes) {
  auto a = attach_live();
  ASSERT_TRUE(wait_readers(1));
  auto b = attach_live();
  // A live client gets what arrives after it joined: wait until both have.
  ASSERT_TRUE(wait_connected(2));
  source_.push({"t", 0, 0, 1700000000000, R"({"x": 1})"});
  const std::string data = R"(data: {"x":1,"meta":{"topic":"t","partition":0,"offset":0}})"
                           "\n\n";
  ASSERT_TRUE(a->wait_for(data)) << a->received;
  ASSERT_TRUE(b->wait_for(data)) << b->received;
  // The same frame, id included, for both.
  const std::size_t start = a->received.rfind("event: message\n", a->received.find(data));
  ASSERT_NE(start, std::string::npos) << a->received;
  const std::string frame = a->received.substr(start, a->received.find(data) + data.size() - start);
  EXPECT_NE(b->received.find(frame), std::string::npos) << b->received;
  EXPECT_TRUE(names_position(frame, "t", 0, 1, 1700000000001, "fake")) << frame;
  EXPECT_EQ(source_.open_readers(), 1u);
  EXPECT_EQ(engine_->live_hubs(), 1u);
  // The frame travels as one chunk of its own size.
  EXPECT_NE(a->received.find(http::make_chunk(frame)), std::string::npos);
}

TEST_F(EngineTest, ABigLiveAudienceIsSpreadOverTheLoopsWithOneReaderEach) {
  make_engine(1 << 20, 0, /*loops=*/2, /*live_hub_clients=*/2, 0, /*replay_bytes=*/0);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 2; ++i) clients.push_back(attach_live());
  ASSERT_TRUE(wait_connected(2));
  EXPECT_EQ(source_.open_readers(), 1u);  // below live_hub_clients: one hub
  for (int i = 0; i < 4; ++i) {
    clients.push_back(attach_live());
    ASSERT_TRUE(wait_connected(3 + i));
  }
  // A second hub on the other loop, and no third: one per loop at most.
  EXPECT_EQ(source_.open_readers(), 2u);
  EXPECT_EQ(engine_->live_hubs(), 2u);
  source_.push({"t", 0, 0, 1700000000000, R"({"x": 1})"});
  for (auto& c : clients) ASSERT_TRUE(c->wait_for("\"x\":1")) << c->received;
  // A catch-up client joins one of them once at the head, without a reader of its own.
  auto late = attach_resume(0);
  ASSERT_TRUE(late->wait_for("\"x\":1")) << late->received;
  ASSERT_TRUE(wait_until([&] { return engine_->private_hubs() == 0; }));
  EXPECT_TRUE(wait_readers(2));
  EXPECT_EQ(engine_->live_hubs(), 2u);
}

TEST_F(EngineTest, AnEmptyLiveHubLingersForAReturningClientThenGoes) {
  make_engine(1 << 20, 0, 1, 256, /*linger_ms=*/2000);
  auto a = attach_live();
  ASSERT_TRUE(wait_connected(1));
  a->close_now();
  ASSERT_TRUE(wait_connected(0));
  // The client comes back (an EventSource reconnect): it joins the kept hub, no new reader.
  auto b = attach_live();
  ASSERT_TRUE(wait_connected(1));
  EXPECT_EQ(source_.open_readers(), 1u);
  EXPECT_EQ(engine_->live_hubs(), 1u);
  source_.push({"t", 0, 0, 1700000000000, R"({"x": 1})"});
  ASSERT_TRUE(b->wait_for("\"x\":1")) << b->received;
  b->close_now();
  ASSERT_TRUE(wait_connected(0));
  // Nobody comes back: the hub and its reader go once the linger is over.
  EXPECT_TRUE(wait_readers(0));
  EXPECT_EQ(engine_->live_hubs(), 0u);
}

TEST_F(EngineTest, ClientsLeavingReleaseTheReader) {
  auto a = attach_live();
  auto b = attach_live();
  ASSERT_TRUE(wait_connected(2));
  source_.push({"t", 0, 0, 1, "{}"});
  ASSERT_TRUE(a->wait_for("data: "));
  ASSERT_TRUE(b->wait_for("data: "));
  a->close_now();
  source_.push({"t", 0, 1, 2, "{}"});  // the write to the closed client notices it left
  ASSERT_TRUE(b->wait_for("\"offset\":1}}")) << b->received;
  EXPECT_EQ(source_.open_readers(), 1u);
  b->close_now();
  EXPECT_TRUE(wait_readers(0));
  EXPECT_EQ(engine_->live_hubs(), 0u);
}

TEST_F(EngineTest, EventsThatAreNotJsonObjectsAreSkippedAndCounted) {
  auto a = attach_live();
  ASSERT_TRUE(wait_readers(1));
  source_.push({"t", 0, 0, 10, "not json"});
  source_.push({"t", 0, 1, 20, "[1,2]"});
  source_.push({"t", 0, 2, 30, R"({"ok":true})"});
  ASSERT_TRUE(a->wait_for("data: {\"ok\":true"));
  EXPECT_EQ(a->received.find("not json"), std::string::npos);
  EXPECT_EQ(a->received.find("[1,2]"), std::string::npos);
  EXPECT_TRUE(names_position(a->received, "t", 0, 3, 31)) << a->received;
  EXPECT_EQ(metrics_.value("eventstreams_events_invalid_total"), 2);
}

TEST_F(EngineTest, SourceErrorBecomesAnErrorEventThenTheStreamEnds) {
  auto a = attach_live();
  ASSERT_TRUE(wait_readers(1));
  source_.fail("broker said no");
  ASSERT_TRUE(a->wait_eof());
  EXPECT_NE(a->received.find("event: error\ndata: {\"type\":\"kafka_error\""), std::string::npos)
      << a->received;
  EXPECT_NE(a->received.find("broker said no"), std::string::npos);
  // The chunked body is terminated properly.
  EXPECT_EQ(a->received.substr(a->received.size() - 5), "0\r\n\r\n");
  EXPECT_TRUE(wait_readers(0));
}

// A gzip client of a live hub, and one resuming from its recent events, read what a plain
// client of the hub reads; each stream ends, on a source error, as a complete gzip member.
TEST_F(EngineTest, GzipClientsReadWhatAPlainClientReads) {
  const auto gzip = pipeline::ContentCoding::kGzip;
  auto plain = attach_live();
  ASSERT_TRUE(wait_readers(1));
  auto gz = start(request_for(std::nullopt, gzip));
  ASSERT_TRUE(wait_connected(2));
  for (int i = 0; i < 3; ++i) source_.push({"t", 0, i, 1700000000000 + i, R"({"x": 1})"});
  ASSERT_TRUE(plain->wait_for("\"offset\":2}}"));
  // Resumes at offset 1: offsets 1 and 2 from the ring (a piece of its own), then live.
  auto resumed = start(request_for(1, gzip));
  EXPECT_EQ(metrics_.value("eventstreams_resumes_replayed_total"), 1);
  ASSERT_TRUE(wait_connected(3));
  source_.push({"t", 0, 3, 1700000000003, R"({"x": 1})"});
  ASSERT_TRUE(plain->wait_for("\"offset\":3}}"));
  source_.fail("broker said no");
  ASSERT_TRUE(plain->wait_eof());
  ASSERT_TRUE(gz->wait_eof());
  ASSERT_TRUE(resumed->wait_eof());
  const std::string head = "HEAD\r\n\r\n";
  const std::string expected = dechunk(plain->received.substr(head.size()));
  ASSERT_NE(expected.find("broker said no"), std::string::npos) << plain->received;
  EXPECT_EQ(gunzip(dechunk(gz->received.substr(head.size()))), expected);
  const std::string late = gunzip(dechunk(resumed->received.substr(head.size())));
  EXPECT_EQ(count(late, "event: message\n"), 3u) << late;
  EXPECT_NE(late.find("\"offset\":1}}"), std::string::npos) << late;
  EXPECT_EQ(late.find("\"offset\":0}}"), std::string::npos) << late;
  EXPECT_NE(late.find("broker said no"), std::string::npos) << late;
}

TEST_F(EngineTest, IdleClientsGetHeartbeats) {
  make_engine(1 << 20, 50);
  auto a = attach_live();
  EXPECT_TRUE(a->wait_for(http::make_chunk(":heartbeat\n\n"))) << a->received;
}

TEST_F(EngineTest, SlowClientIsDroppedWithoutStallingOthers) {
  make_engine(64 * 1024, 0);
  auto slow = attach_live(4096);
  auto fast = attach_live();
  ASSERT_TRUE(wait_connected(2));
  const std::string payload = "{\"pad\":\"" + std::string(2000, 'x') + "\"}";
  for (int i = 0; i < 400; ++i) {
    source_.push({"t", 0, i, i, payload});
    if (i % 50 == 0) fast->wait_for("\"offset\":" + std::to_string(i) + "}}");
  }
  ASSERT_TRUE(fast->wait_for("\"offset\":399}}"));
  // The slow client never read: it was cut off once over its bound, not kept growing.
  EXPECT_TRUE(slow->wait_eof());
  EXPECT_LT(slow->received.size(), 400u * 2000u);
}

// A catch-up client is never dropped for being slow: its hub stops reading while the client
// has a share of client_buffer_bytes unsent and reads on once about half of that went out.
TEST_F(EngineTest, SlowCatchUpClientIsPausedNotDroppedAndGetsEverything) {
  make_engine(64 * 1024, 0);
  const std::string payload = "{\"pad\":\"" + std::string(2000, 'x') + "\"}";
  for (int i = 0; i < 400; ++i) source_.push({"t", 0, i, i, payload});
  auto c = attach_resume(0);
  std::this_thread::sleep_for(100ms);  // not reading: the hub must pause, not drop
  ASSERT_TRUE(c->wait_for("\"offset\":399}}", 10s)) << c->received.size();
  EXPECT_FALSE(c->eof);
  std::size_t events = 0;
  for (std::size_t at = c->received.find("data: "); at != std::string::npos;
       at = c->received.find("data: ", at + 1)) {
    ++events;
  }
  EXPECT_EQ(events, 400u);  // each once
}

TEST_F(EngineTest, CaughtUpPrivateClientBecomesTheLiveHub) {
  auto a = attach_resume(0);
  // Nothing to read: the private hub is at the head and becomes the live hub of "t".
  ASSERT_TRUE(
      wait_until([&] { return engine_->live_hubs() == 1 && engine_->private_hubs() == 0; }));
  auto b = attach_live();  // joins it: no second reader
  ASSERT_TRUE(wait_connected(2));
  EXPECT_EQ(source_.open_readers(), 1u);
  source_.push({"t", 0, 0, 5, R"({"n":0})"});
  ASSERT_TRUE(a->wait_for("\"offset\":0}}"));
  ASSERT_TRUE(b->wait_for("\"offset\":0}}"));
}

TEST_F(EngineTest, CatchUpClientMovesToTheLiveHubWithoutLossOrDuplicate) {
  make_engine(1 << 20, 0, 1, 256, 0, /*replay_bytes=*/0);  // a reader of its own, not a replay
  auto live = attach_live();
  ASSERT_TRUE(wait_connected(1));
  source_.push({"t", 0, 0, 5, R"({"n":0})"});
  ASSERT_TRUE(live->wait_for("\"offset\":0}}"));
  // A client resuming from offset 0 reads event 0 on its own reader, reaches the live hub's
  // position and moves there: its reader goes.
  bool replayed = true;
  auto resumed = attach_resume(0, &replayed);
  EXPECT_FALSE(replayed);
  ASSERT_TRUE(resumed->wait_for("\"offset\":0}}"));
  ASSERT_TRUE(wait_until([&] { return engine_->private_hubs() == 0; }));
  EXPECT_TRUE(wait_readers(1));
  source_.push({"t", 0, 1, 6, R"({"n":1})"});
  ASSERT_TRUE(resumed->wait_for("\"offset\":1}}"));
  ASSERT_TRUE(live->wait_for("\"offset\":1}}"));
  const auto count = [](const std::string& s, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count(resumed->received, "\"offset\":0}}"), 1u);
  EXPECT_EQ(count(resumed->received, "\"offset\":1}}"), 1u);
}

// An EventSource reconnect a little behind the head: what it missed comes from the live hub's
// recent events, with ids of its own, then it follows the live stream; no second reader.
TEST_F(EngineTest, ResumingClientIsServedFromTheLiveHubsRecentEvents) {
  auto live = attach_live();
  ASSERT_TRUE(wait_connected(1));
  for (int i = 0; i < 5; ++i)
    source_.push({"t", 0, i, 100 + i, R"({"n":)" + std::to_string(i) + "}"});
  ASSERT_TRUE(live->wait_for("\"offset\":4}}"));
  bool replayed = false;
  auto resumed = attach_resume(2, &replayed);
  ASSERT_TRUE(replayed);
  ASSERT_TRUE(resumed->wait_for("\"offset\":4}}")) << resumed->received;
  ASSERT_TRUE(wait_connected(2));
  EXPECT_EQ(source_.open_readers(), 1u);
  EXPECT_EQ(metrics_.value("eventstreams_resumes_replayed_total"), 1);
  source_.push({"t", 0, 5, 105, R"({"n":5})"});
  ASSERT_TRUE(resumed->wait_for("\"offset\":5}}")) << resumed->received;
  ASSERT_TRUE(live->wait_for("\"offset\":5}}"));
  // Offsets 2..5 once each, none before; the ids are the resumed client's own.
  EXPECT_EQ(count(resumed->received, "\"offset\":1}}"), 0u);
  for (int i = 2; i <= 5; ++i) {
    EXPECT_EQ(count(resumed->received, "\"offset\":" + std::to_string(i) + "}}"), 1u) << i;
  }
  EXPECT_TRUE(names_position(resumed->received, "t", 0, 3, 103, "fake")) << resumed->received;
  EXPECT_TRUE(names_position(resumed->received, "t", 0, 6, 106, "fake")) << resumed->received;
}

TEST_F(EngineTest, ResumingBeforeTheRecentEventsGetsAReaderOfItsOwn) {
  make_engine(1 << 20, 0, 1, 256, 0, /*replay_bytes=*/1);  // keeps the newest batch only
  auto live = attach_live();
  ASSERT_TRUE(wait_connected(1));
  for (int i = 0; i < 3; ++i) {  // one batch each
    source_.push({"t", 0, i, 100 + i, "{}"});
    ASSERT_TRUE(live->wait_for("\"offset\":" + std::to_string(i) + "}}"));
  }
  bool replayed = true;
  auto resumed = attach_resume(0, &replayed);
  EXPECT_FALSE(replayed);
  ASSERT_TRUE(resumed->wait_for("\"offset\":2}}")) << resumed->received;
  EXPECT_EQ(count(resumed->received, "\"offset\":0}}"), 1u);
  EXPECT_EQ(metrics_.value("eventstreams_resumes_replayed_total"), 0);
  // Within the newest batch: served from it.
  auto recent = attach_resume(2, &replayed);
  EXPECT_TRUE(replayed);
  ASSERT_TRUE(wait_until([&] { return engine_->private_hubs() == 0; }));
  source_.push({"t", 0, 3, 103, "{}"});
  ASSERT_TRUE(recent->wait_for("\"offset\":3}}")) << recent->received;
  EXPECT_EQ(count(recent->received, "data: "), 2u);
  EXPECT_EQ(count(recent->received, "\"offset\":2}}"), 1u);
}

// --- the entry point: refusals, HEAD, tickets ------------------------------------------------

TEST_F(EngineTest, TheHeadThenThePreambleOpenTheStream) {
  auto a = attach_live();
  ASSERT_TRUE(a->wait_for(":ok\n\n"));
  EXPECT_EQ(a->received.rfind("HEAD\r\n\r\n" + http::make_chunk(":ok\n\n"), 0), 0u) << a->received;
}

TEST_F(EngineTest, ALastEventIdNamingAPartitionThatDoesNotExistIsRefused) {
  StreamRequest r = request_for();
  r.last_event_id.push_back({"t", 3, 0, std::nullopt, std::string("fake")});
  auto ticket = engine_->open(std::move(r));
  ASSERT_FALSE(ticket);
  EXPECT_EQ(ticket.error().status, 400);
  EXPECT_EQ(ticket.error().type, "invalid_last_event_id");
  EXPECT_NE(ticket.error().detail.find("partition 3 of topic 't'"), std::string::npos);
  EXPECT_EQ(source_.open_readers(), 0u);
}

TEST_F(EngineTest, ATopicTheSourceDoesNotKnowIsRefused) {
  StreamRequest r = request_for();
  r.topics = {"gone"};
  auto ticket = engine_->open(std::move(r));
  ASSERT_FALSE(ticket);
  EXPECT_EQ(ticket.error().status, 503);
  EXPECT_EQ(ticket.error().type, "topic_not_available");
  EXPECT_EQ(ticket.error().detail, "no topic gone");
}

TEST_F(EngineTest, HeadResolvesWhereTheStreamWouldStartAndStreamsNothing) {
  for (int i = 5; i < 8; ++i) source_.push({"t", 0, i, 100 + i, "{}"});
  StreamRequest r = request_for(2);  // before the oldest event: truncated
  r.head_only = true;
  auto ticket = engine_->open(std::move(r));
  ASSERT_TRUE(ticket);
  EXPECT_EQ(ticket->truncated(), "t/0");
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  EXPECT_TRUE(std::move(*ticket).start(sv[0], "HEAD\r\n\r\n"));
  Client c(sv[1]);
  ASSERT_TRUE(c.wait_eof());
  EXPECT_EQ(c.received, "HEAD\r\n\r\n");  // no preamble, no events
  EXPECT_EQ(source_.open_readers(), 0u);
  EXPECT_EQ(engine_->private_hubs(), 0u);
}

TEST_F(EngineTest, ADroppedTicketGivesBackItsReaderAndItsPlaceOnALiveHub) {
  make_engine(1 << 20, 0, 1, 256, 0, /*replay_bytes=*/0);  // a resume gets a reader
  auto a = attach_live();
  ASSERT_TRUE(wait_connected(1));
  {
    auto live = engine_->open(request_for());  // holds a place on a's hub
    ASSERT_TRUE(live);
    auto own = engine_->open(request_for(0));  // a reader of its own
    ASSERT_TRUE(own);
    EXPECT_EQ(source_.open_readers(), 2u);
    a->close_now();
    ASSERT_TRUE(wait_connected(0));
    // The place held keeps the live hub and its reader while the ticket lives.
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(engine_->live_hubs(), 1u);
  }
  // Both dropped unused: the private reader goes at once, the live hub once its loop sees
  // nobody is coming.
  EXPECT_TRUE(wait_readers(0));
  EXPECT_TRUE(wait_until([&] { return engine_->live_hubs() == 0; }));
}

TEST_F(EngineTest, AnExactResumeNearTheHeadAsksTheSourceNothing) {
  auto live = attach_live();
  ASSERT_TRUE(wait_connected(1));
  for (int i = 0; i < 3; ++i) source_.push({"t", 0, i, 100 + i, "{}"});
  ASSERT_TRUE(live->wait_for("\"offset\":2}}"));
  const int resolves = source_.resolves();
  bool replayed = false;
  auto resumed = attach_resume(1, &replayed);
  EXPECT_TRUE(replayed);
  ASSERT_TRUE(resumed->wait_for("\"offset\":2}}")) << resumed->received;
  EXPECT_EQ(source_.resolves(), resolves);
  EXPECT_EQ(count(resumed->received, "data: "), 2u);  // offsets 1 and 2
}

}  // namespace
}  // namespace eventstreams::streaming
