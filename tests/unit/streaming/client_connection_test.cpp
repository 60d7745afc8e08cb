// One client's socket on an event loop: queued slices leave in order, the chunked body ends
// properly, the watermarks tell the owner when to act and when to read on, and however the
// connection ends, its owner hears it once and its connection slot is given back.
#include "streaming/client_connection.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <functional>
#include <future>
#include <thread>

#include "socket_peer.h"

namespace eventstreams::streaming {
namespace {

using namespace std::chrono_literals;
using testing_support::Client;

// Runs `f` on the loop thread and waits for it.
void on_loop(EventLoop& loop, const std::function<void()>& f) {
  std::promise<void> done;
  loop.post([&] {
    f();
    done.set_value();
  });
  done.get_future().wait();
}

class RecordingOwner final : public ConnectionOwner {
 public:
  void on_drained(ClientConnection&) override { ++drained; }
  void on_closed(ClientConnection& c) override {
    ++closed;
    reason = c.close_reason;
  }
  std::atomic<int> drained{0};
  std::atomic<int> closed{0};
  std::string reason;
};

class ClientConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    loop_.start();
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    const int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    peer_ = std::make_unique<Client>(sv[1]);
    http::ConnectionSlot slot;
    ASSERT_EQ(limiter_.acquire("127.0.0.1", slot), http::ConnectionLimiter::Result::kOk);
    on_loop(loop_, [&, fd = sv[0]] {
      connection_ = std::make_shared<ClientConnection>(loop_, fd, ClientInfo{}, std::move(slot));
      connection_->set_owner(&owner_);
    });
  }
  void TearDown() override {
    on_loop(loop_, [&] { connection_.reset(); });
    loop_.stop([] {});
  }

  EventLoop loop_;
  http::ConnectionLimiter limiter_{0, 0};
  RecordingOwner owner_;
  std::shared_ptr<ClientConnection> connection_;
  std::unique_ptr<Client> peer_;
};

TEST_F(ClientConnectionTest, QueuedSlicesLeaveInOrderAndFinishEndsTheChunkedBody) {
  const auto bytes = std::make_shared<const std::string>("xxabcyy");
  on_loop(loop_, [&] {
    connection_->enqueue(bytes, 2, 1);  // "a"
    connection_->enqueue(bytes, 3, 2);  // "bc"
    connection_->flush();
    connection_->finish();
  });
  ASSERT_TRUE(peer_->wait_eof());
  EXPECT_EQ(peer_->received, "abc0\r\n\r\n");
  EXPECT_EQ(owner_.closed.load(), 1);
  EXPECT_EQ(owner_.reason, "finished");
  EXPECT_EQ(limiter_.total(), 0);
}

TEST_F(ClientConnectionTest, WatermarksSayWhenToActAndWhenToReadOn) {
  const auto block = std::make_shared<const std::string>(256 * 1024, 'x');
  bool above = false;
  on_loop(loop_, [&] {
    connection_->set_watermarks({64 * 1024, 16 * 1024});
    connection_->enqueue(block);
    connection_->flush();  // the peer reads nothing yet: most of it stays queued
    above = connection_->above_high_watermark();
  });
  EXPECT_TRUE(above);
  EXPECT_EQ(owner_.drained.load(), 0);
  // The peer reads everything: the loop writes the rest as the socket takes it, and the owner
  // hears once at most the low mark is left.
  ASSERT_TRUE(peer_->wait_for(std::string(256 * 1024, 'x')));
  bool below = false;
  on_loop(loop_, [&] {
    below = connection_->at_or_below_low_watermark() && !connection_->above_high_watermark();
  });
  EXPECT_TRUE(below);
  EXPECT_GE(owner_.drained.load(), 1);
  EXPECT_EQ(owner_.closed.load(), 0);
}

TEST_F(ClientConnectionTest, AClientThatLeavesIsClosedOnceAndItsSlotGivenBack) {
  peer_->close_now();
  for (int i = 0; i < 500 && owner_.closed.load() == 0; ++i) std::this_thread::sleep_for(2ms);
  EXPECT_EQ(owner_.closed.load(), 1);
  on_loop(loop_, [&] {
    EXPECT_FALSE(connection_->open());
    connection_->close("again");  // a second close is a no-op
  });
  EXPECT_EQ(owner_.closed.load(), 1);
  EXPECT_EQ(owner_.reason, "client closed");
  EXPECT_EQ(limiter_.total(), 0);
}

TEST_F(ClientConnectionTest, CloseDropsWhatIsQueued) {
  const auto block = std::make_shared<const std::string>(256 * 1024, 'x');
  std::size_t pending = 1;
  on_loop(loop_, [&] {
    connection_->enqueue(block);
    connection_->flush();
    connection_->close("server shutdown");
    pending = connection_->pending_bytes();
    connection_->enqueue(block);  // ignored once closed
  });
  EXPECT_EQ(pending, 0u);
  EXPECT_EQ(owner_.closed.load(), 1);
  EXPECT_EQ(owner_.reason, "server shutdown");
  ASSERT_TRUE(peer_->wait_eof());
  EXPECT_LT(peer_->received.size(), block->size());
}

}  // namespace
}  // namespace eventstreams::streaming
