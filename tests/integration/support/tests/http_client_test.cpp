#include "support/http_client.h"

#include <gtest/gtest.h>

#include "canned_server.h"

namespace eventstreams::testing {
namespace {

TEST(HttpClient, ContentLengthBodyAndCaseInsensitiveHeaders) {
  CannedServer server({"HTTP/1.1 200 OK\r\nX-Frame-Options: SAMEORIGIN\r\nSet-Cookie: a\r\n",
                       "set-cookie: b\r\nContent-Length: 5\r\n\r\nhel", "lo"},
                      /*hold_open=*/true);
  HttpResponse r = request(server.port(), "GET", "/_info", {{"Accept", "application/json"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.version, "HTTP/1.1");
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.header("x-frame-options"), "SAMEORIGIN");
  EXPECT_EQ(r.header_all("SET-COOKIE"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(r.header("missing"));
  std::string req = server.request();
  EXPECT_NE(req.find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_NE(req.find("\r\nAccept: application/json\r\n"), std::string::npos);
}

TEST(HttpClient, ChunkedBody) {
  CannedServer server({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
                       "2;ext=1\r\nde\r\n0\r\n\r\n"},
                      /*hold_open=*/true);
  HttpResponse r = get(server.port(), "/");
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(r.body, "abcde");
}

TEST(HttpClient, CloseDelimitedBodyAfterInterimResponse) {
  CannedServer server({"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Service Unavailable\r\n",
                       "Retry-After: 5\r\n\r\nbusy", " now"});
  HttpResponse r = get(server.port(), "/v2/stream/x");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.reason, "Service Unavailable");
  EXPECT_EQ(r.header("retry-after"), "5");
  EXPECT_EQ(r.body, "busy now");
}

TEST(HttpClient, HeadHasNoBody) {
  CannedServer server({"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n"},
                      /*hold_open=*/true);
  HttpResponse r = request(server.port(), "HEAD", "/v2/stream/x");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(server.request().rfind("HEAD /v2/stream/x HTTP/1.1\r\n", 0), 0u);
}

TEST(HttpClient, BadChunkFramingThrows) {
  CannedServer server({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n"},
                      /*hold_open=*/true);
  EXPECT_THROW(get(server.port(), "/"), std::runtime_error);
}

TEST(HttpClient, TimeoutThrows) {
  CannedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"}, /*hold_open=*/true);
  EXPECT_THROW(get(server.port(), "/", {}, std::chrono::milliseconds(200)), std::runtime_error);
}

TEST(HttpClient, MalformedStatusLineThrows) {
  CannedServer server({"HTTP/1.1 2OO OK\r\n\r\n"});
  EXPECT_THROW(get(server.port(), "/"), std::runtime_error);
}

}  // namespace
}  // namespace eventstreams::testing
