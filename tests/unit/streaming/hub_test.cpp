// A hub on its own, without the engine: one encoding per batch for every member of a group,
// a group per encoder, back-pressure by the hub's kind (a live hub drops a member over its
// high mark, a private hub pauses its reader and reads on), a source error ending every
// stream, heartbeats for idle members only, the empty callback when the last one leaves, and
// a compressed member reading its group's bytes compressed.
#include "streaming/hub.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <functional>
#include <future>

#include "compressed_body.h"
#include "fake_source.h"
#include "ndjson_encoder.h"
#include "run_on_loop.h"
#include "socket_peer.h"
#include "sse_encoder.h"

namespace eventstreams::streaming {
namespace {

using namespace std::chrono_literals;
using testing_support::Client;
using testing_support::dechunk;
using testing_support::FakeSource;
using testing_support::gunzip;
using testing_support::on_loop;

std::size_t count(const std::string& s, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.encoders = {{&sse_, "sse"}, {&ndjson_, "ndjson"}};
    env_.logger = &logger_;
    env_.metrics = &metrics_;
    env_.heartbeat_interval_ms = 0;
    env_.client_buffer_bytes = 64 * 1024;
    loop_.start();
  }
  void TearDown() override {
    on_loop(loop_, [&] {
      if (hub_) hub_->shutdown();
      hub_.reset();
    });
    loop_.stop([] {});
  }

  // A hub of topic "t" reading from `offset`; it reads once start()ed (after its first
  // members joined, as the engine does).
  void make_hub(bool live, std::int64_t offset = 0) {
    std::unique_ptr<SourceReader> reader;
    source_.open({{"t", 0, offset, false}}, reader);
    on_loop(loop_, [&] {
      hub_ = std::make_shared<Hub>(loop_, env_, HubKey{"t", 0}, live, std::move(reader),
                                   std::vector<PartitionStart>{{"t", 0, offset, 1000}}, "fake",
                                   [this](Hub&) { ++emptied_; });
    });
  }
  void start() {
    on_loop(loop_, [&] { hub_->start(); });
  }

  // A member of the group `group_key` written by encoder `encoder_index`.
  std::unique_ptr<Client> join(
      std::size_t encoder_index = 0, const std::string& group_key = "g", int rcvbuf = 0,
      pipeline::ContentCoding coding = pipeline::ContentCoding::kIdentity) {
    int sv[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    if (rcvbuf > 0) {
      setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof rcvbuf);
      setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    }
    on_loop(loop_, [&, fd = sv[0]] {
      StreamPlan plan;
      plan.encoder_index = encoder_index;
      plan.group_key = group_key;
      plan.client.streams = "s";
      auto c = std::make_shared<ClientConnection>(loop_, fd, plan.client, http::ConnectionSlot{});
      // As Ticket::start() begins a compressed body: its header (no preamble here).
      pipeline::CodedStream coded(coding);
      c->set_coding(coded);
      if (coded.compressed()) c->enqueue(pipeline::shared_chunk(coded.header()));
      hub_->join(c, plan);
    });
    return std::make_unique<Client>(sv[1]);
  }

  std::size_t members() {
    std::size_t n = 0;
    on_loop(loop_, [&] { n = hub_->members(); });
    return n;
  }

  FakeSource source_;
  sse::SseEncoderFactory sse_{sse::SseConfig{}};
  ndjson::NdjsonEncoderFactory ndjson_;
  services::JsonLogger logger_{LogLevel::kError};
  services::MetricsRegistry metrics_;
  HubEnvironment env_;
  EventLoop loop_;
  std::shared_ptr<Hub> hub_;
  std::atomic<int> emptied_{0};
};

TEST_F(HubTest, EachGroupEncodesABatchOnceForAllItsMembers) {
  make_hub(/*live=*/true);
  auto a = join(0);
  auto b = join(0);
  auto n = join(1, "n");
  start();
  for (int i = 0; i < 3; ++i) source_.push({"t", 0, i, 100 + i, R"({"n": 1})"});
  ASSERT_TRUE(a->wait_for("\"offset\":2}}")) << a->received;
  ASSERT_TRUE(b->wait_for("\"offset\":2}}")) << b->received;
  ASSERT_TRUE(n->wait_for("\"offset\":2}}\n")) << n->received;
  EXPECT_EQ(a->received, b->received);  // the same bytes, encoded once
  EXPECT_EQ(count(a->received, "event: message\n"), 3u);
  EXPECT_EQ(count(n->received, "event: message"), 0u);  // NDJSON: its own encoding
  // Counted after the writes: wait for the counts, bounded.
  const auto sent = [&](const char* format) {
    return metrics_.value("eventstreams_events_sent_total",
                          std::string("format=\"") + format + "\",stream=\"s\"");
  };
  for (int i = 0; i < 1000 && (sent("sse") < 6 || sent("ndjson") < 3); ++i) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(sent("sse"), 6);
  EXPECT_EQ(sent("ndjson"), 3);
}

TEST_F(HubTest, ALiveHubDropsAMemberOverItsHighMarkAndGoesOnWithTheOthers) {
  make_hub(/*live=*/true);
  auto slow = join(0, "g", 4096);
  auto fast = join(0);
  start();
  const std::string payload = "{\"pad\":\"" + std::string(2000, 'x') + "\"}";
  for (int i = 0; i < 200; ++i) {
    source_.push({"t", 0, i, i, payload});
    if (i % 20 == 0) fast->wait_for("\"offset\":" + std::to_string(i) + "}}");
  }
  ASSERT_TRUE(fast->wait_for("\"offset\":199}}"));
  EXPECT_TRUE(slow->wait_eof());
  EXPECT_EQ(members(), 1u);
  EXPECT_EQ(emptied_.load(), 0);
}

TEST_F(HubTest, APrivateHubPausesItsReaderForASlowMemberAndDeliversEverythingOnce) {
  const std::string payload = "{\"pad\":\"" + std::string(2000, 'x') + "\"}";
  for (int i = 0; i < 300; ++i) source_.push({"t", 0, i, i, payload});
  make_hub(/*live=*/false);
  auto c = join(0, "g", 4096);
  start();
  std::this_thread::sleep_for(100ms);  // not reading: the hub must pause, not drop
  ASSERT_TRUE(c->wait_for("\"offset\":299}}", 10s)) << c->received.size();
  EXPECT_FALSE(c->eof);
  EXPECT_EQ(count(c->received, "data: "), 300u);
}

TEST_F(HubTest, ACatchUpCrowdWaitsForAMemberBehindButDropsOneThatStoppedReading) {
  // Two clients share one catch-up reader (as a crowd replaying the same past does): one
  // reads, one does not. The crowd reads on while the laggard is within its buffer, then
  // waits for it; once it has taken nothing for kStalledMemberMs it is dropped (it would
  // resume with its id) and the reader goes on for the one that reads.
  const std::string payload = "{\"pad\":\"" + std::string(2000, 'x') + "\"}";
  for (int i = 0; i < 300; ++i) source_.push({"t", 0, i, i, payload});
  env_.batch_events = 8;  // small batches, so that the reader has a pace to lose
  make_hub(/*live=*/false);
  auto slow = join(0, "g", 4096);
  auto fast = join(0);
  start();
  // The reader paused, with the fast one short of the end: it waits for the laggard.
  ASSERT_FALSE(fast->wait_for("\"offset\":299}}", 1s)) << fast->received.size();
  EXPECT_EQ(members(), 2u);
  std::int64_t now = 0;
  on_loop(loop_, [&] { now = loop_.now_ms(); });
  on_loop(loop_, [&] { hub_->heartbeat(now + Hub::kStalledMemberMs - 2500); });
  EXPECT_EQ(members(), 2u) << "dropped before it stalled for long";
  on_loop(loop_, [&] { hub_->heartbeat(now + Hub::kStalledMemberMs + 1000); });
  ASSERT_TRUE(fast->wait_for("\"offset\":299}}", 10s)) << fast->received.size();
  EXPECT_EQ(count(fast->received, "data: "), 300u);
  EXPECT_TRUE(slow->wait_eof());
  EXPECT_LT(count(slow->received, "data: "), 300u);
  EXPECT_EQ(members(), 1u);
  EXPECT_EQ(metrics_.value("eventstreams_errors_total", "type=\"client_too_slow\""), 1);
}

TEST_F(HubTest, ASourceErrorEndsEveryStreamWithAnErrorFrame) {
  make_hub(/*live=*/true);
  auto a = join(0);
  auto n = join(1, "n");
  start();
  source_.fail("broker said no");
  ASSERT_TRUE(a->wait_eof());
  ASSERT_TRUE(n->wait_eof());
  EXPECT_NE(a->received.find("event: error\ndata: {\"type\":\"kafka_error\""), std::string::npos);
  EXPECT_NE(n->received.find("broker said no"), std::string::npos);
  on_loop(loop_, [] {});  // fail() has returned
  EXPECT_TRUE(hub_->failed());
  EXPECT_GE(emptied_.load(), 1);
  EXPECT_EQ(a->received.substr(a->received.size() - 5), "0\r\n\r\n");
}

// A gzip member of a group reads what its plain member reads (events, a heartbeat, the error
// frame), and the end of its stream is a complete gzip member.
TEST_F(HubTest, ACompressedMemberGetsTheGroupsBytesCompressedThenItsTrailerOnASourceError) {
  env_.heartbeat_interval_ms = 1000;
  make_hub(/*live=*/true);
  auto plain = join(0);
  auto gz = join(0, "g", 0, pipeline::ContentCoding::kGzip);
  start();
  for (int i = 0; i < 3; ++i) source_.push({"t", 0, i, 100 + i, R"({"n": 1})"});
  ASSERT_TRUE(plain->wait_for("\"offset\":2}}"));
  on_loop(loop_, [&] { hub_->heartbeat(loop_.now_ms() + 5000); });
  ASSERT_TRUE(plain->wait_for(":heartbeat\n\n"));
  source_.fail("broker said no");
  ASSERT_TRUE(plain->wait_eof());
  ASSERT_TRUE(gz->wait_eof());
  const std::string expected = dechunk(plain->received);
  ASSERT_NE(expected.find("broker said no"), std::string::npos) << plain->received;
  EXPECT_EQ(gunzip(dechunk(gz->received)), expected);
}

TEST_F(HubTest, HeartbeatsGoToIdleMembersOnly) {
  env_.heartbeat_interval_ms = 1000;
  make_hub(/*live=*/true);
  auto a = join(0);
  start();
  // Long after its last send: a heartbeat. At once after one: none.
  on_loop(loop_, [&] { hub_->heartbeat(loop_.now_ms() + 5000); });
  ASSERT_TRUE(a->wait_for(":heartbeat\n\n"));
  on_loop(loop_, [&] { hub_->heartbeat(loop_.now_ms()); });
  source_.push({"t", 0, 0, 1, "{}"});
  ASSERT_TRUE(a->wait_for("\"offset\":0}}"));
  EXPECT_EQ(count(a->received, ":heartbeat"), 1u);
}

TEST_F(HubTest, TheLastMemberLeavingCallsTheEmptyCallback) {
  make_hub(/*live=*/true);
  auto a = join(0);
  auto b = join(0);
  start();
  a->close_now();
  b->close_now();
  source_.push({"t", 0, 0, 1, "{}"});  // a write notices at the latest
  for (int i = 0; i < 1000 && emptied_.load() == 0; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(emptied_.load(), 1);
  EXPECT_EQ(members(), 0u);
}

}  // namespace
}  // namespace eventstreams::streaming
