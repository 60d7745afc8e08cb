// Connection limits (SPEC 6): counted once, released once, however the connection ends.
#include "http/connection_limiter.h"

#include <gtest/gtest.h>

namespace eventstreams::http {
namespace {

TEST(ConnectionLimiter, PerClientAndServerLimits) {
  ConnectionLimiter limiter(3, 2);
  ConnectionSlot a1, a2, a3, b1, c1;
  EXPECT_EQ(limiter.acquire("a", a1), ConnectionLimiter::Result::kOk);
  EXPECT_EQ(limiter.acquire("a", a2), ConnectionLimiter::Result::kOk);
  EXPECT_EQ(limiter.acquire("a", a3), ConnectionLimiter::Result::kPerClientLimit);
  EXPECT_FALSE(a3);
  EXPECT_EQ(limiter.acquire("b", b1), ConnectionLimiter::Result::kOk);
  EXPECT_EQ(limiter.acquire("c", c1), ConnectionLimiter::Result::kServerLimit);
  EXPECT_EQ(limiter.total(), 3);
  a1.release();
  a1.release();  // a second release is a no-op
  EXPECT_EQ(limiter.total(), 2);
  EXPECT_EQ(limiter.for_address("a"), 1);
  EXPECT_EQ(limiter.acquire("c", c1), ConnectionLimiter::Result::kOk);
}

TEST(ConnectionLimiter, SlotsReleaseWhenDestroyedOrMoved) {
  ConnectionLimiter limiter(0, 0);
  {
    ConnectionSlot s;
    ASSERT_EQ(limiter.acquire("x", s), ConnectionLimiter::Result::kOk);
    ConnectionSlot moved(std::move(s));
    EXPECT_EQ(limiter.total(), 1);
  }
  EXPECT_EQ(limiter.total(), 0);
  EXPECT_EQ(limiter.for_address("x"), 0);
}

}  // namespace
}  // namespace eventstreams::http
