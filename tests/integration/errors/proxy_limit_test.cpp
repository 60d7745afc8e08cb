// The per-address limit behind a trusted proxy (SPEC 6, issue 12): the client is the rightmost
// X-Forwarded-For entry that is not a trusted proxy, so what the client writes to the left of
// it cannot buy it more connections; from an untrusted peer, the headers count for nothing.
#include <gtest/gtest.h>

#include <memory>

#include "errors_util.h"
#include "support/sse_client.h"

namespace eventstreams::testing::errors {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<StreamClient> open_as(uint16_t port, const Headers& headers) {
  auto c = std::make_unique<StreamClient>(port, "/v2/stream/recentchange", headers);
  if (c->status() == 200) {
    EXPECT_TRUE(c->raw_until(":ok\n\n", 10s));
  }
  return c;
}

TEST(ProxyLimit, AClientBehindATrustedProxyCannotEscapeItsLimit) {
  // The test connects from 127.0.0.1: the server sees it as the proxy.
  Env env = start_env("client_ip_connection_limit: 1\ntrusted_proxies: [127.0.0.0/8]\n");
  auto first = open_as(env.port(), {{"X-Forwarded-For", "1.1.1.1, 203.0.113.7"}});
  ASSERT_EQ(first->status(), 200);
  // Same client (the address the proxy appended), whatever it wrote itself.
  for (const char* xff : {"2.2.2.2, 203.0.113.7", "203.0.113.7", "9.9.9.9,8.8.8.8, 203.0.113.7"}) {
    auto again = open_as(env.port(), {{"X-Forwarded-For", xff}});
    EXPECT_EQ(again->status(), 429) << xff;
  }
  // Through a second proxy of ours, still the same client.
  auto via_two = open_as(env.port(), {{"X-Forwarded-For", "6.6.6.6, 203.0.113.7, 127.0.0.2"}});
  EXPECT_EQ(via_two->status(), 429);
  // Another client is admitted.
  auto other = open_as(env.port(), {{"X-Forwarded-For", "1.1.1.1, 203.0.113.8"}});
  EXPECT_EQ(other->status(), 200);
}

TEST(ProxyLimit, WithoutTrustedProxiesTheHeadersAreIgnored) {
  Env env = start_env("client_ip_connection_limit: 1\n");
  auto first = open_as(env.port(), {{"X-Forwarded-For", "203.0.113.7"}});
  ASSERT_EQ(first->status(), 200);
  auto second = open_as(env.port(), {{"X-Forwarded-For", "203.0.113.8"}});
  EXPECT_EQ(second->status(), 429);
  auto third = open_as(env.port(), {{"X-Client-IP", "203.0.113.9"}});
  EXPECT_EQ(third->status(), 429);
}

}  // namespace
}  // namespace eventstreams::testing::errors
