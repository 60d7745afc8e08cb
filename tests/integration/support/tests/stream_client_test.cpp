#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "canned_server.h"
#include "support/sse_client.h"

namespace eventstreams::testing {
namespace {

using std::chrono::milliseconds;

constexpr char kSseHead[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/event-stream; charset=utf-8\r\n"
    "cache-control: no-cache\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";

std::string chunk(std::string_view data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return std::string(size) + std::string(data) + "\r\n";
}

TEST(StreamClient, ChunkedSseSplitAcrossChunksAndWrites) {
  // Chunk boundaries split lines, a CRLF pair, and a chunk's own framing across writes.
  CannedServer server(
      {std::string(kSseHead) + chunk(":ok\n\n"), chunk("event: message\nid: [{\"p\":0}]\nda"),
       chunk("ta: line1\r"), "7\r\n\ndata: ", "\r\n", chunk("line2\n\n: heartbeat\n\n"),
       chunk("event: message\r\nid: [{\"p\":1}]\r\ndata: {}\r\n\r\n"), "0\r\n\r\n"});
  StreamClient client(server.port(), "/v2/stream/test?x=1",
                      {{"Accept", "text/event-stream"}, {"Last-Event-ID", "[1]"}});
  std::string request = server.request();
  EXPECT_EQ(request.rfind("GET /v2/stream/test?x=1 HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nLast-Event-ID: [1]\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("\r\nHost: 127.0.0.1:"), std::string::npos) << request;

  EXPECT_EQ(client.status(), 200);
  EXPECT_EQ(client.reason(), "OK");
  EXPECT_TRUE(client.is_chunked());
  EXPECT_EQ(client.header("content-type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(client.header("Cache-Control"), "no-cache");

  ASSERT_TRUE(client.raw_until(":ok\n\n", milliseconds(5000)));
  EXPECT_EQ(client.raw().substr(0, 5), ":ok\n\n");

  auto first = client.next_event(milliseconds(5000));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->event, "message");
  EXPECT_EQ(first->id, "[{\"p\":0}]");
  EXPECT_EQ(first->data, "line1\nline2");
  EXPECT_EQ(first->comments_before, std::vector<std::string>{"ok"});

  auto second = client.next_event(milliseconds(5000));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->data, "{}");
  EXPECT_EQ(second->comments_before, std::vector<std::string>{" heartbeat"});
  EXPECT_EQ(client.last_event_id(), "[{\"p\":1}]");

  EXPECT_FALSE(client.next_event(milliseconds(5000)));
  EXPECT_TRUE(client.ended());
  EXPECT_TRUE(client.complete());
  EXPECT_FALSE(client.framing_error());
  EXPECT_EQ(client.chunk_sizes().front(), 5u);
}

TEST(StreamClient, NdjsonLines) {
  CannedServer server(
      {"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
       "Transfer-Encoding: chunked\r\n\r\n",
       chunk("{\"a\":1}\n{\"b\""), chunk(":2}\n\n"), chunk("{\"c\":3}\n{\"partial"), "0\r\n\r\n"});
  StreamClient client(server.port(), "/v2/stream/test", {{"Accept", "application/json"}});
  EXPECT_EQ(client.next_line(milliseconds(5000)), "{\"a\":1}");
  EXPECT_EQ(client.next_line(milliseconds(5000)), "{\"b\":2}");
  EXPECT_EQ(client.next_line(milliseconds(5000)), "");  // a heartbeat
  EXPECT_EQ(client.next_line(milliseconds(5000)), "{\"c\":3}");
  EXPECT_FALSE(client.next_line(milliseconds(5000)));  // unterminated line at the end
  EXPECT_TRUE(client.complete());
}

TEST(StreamClient, BadChunkFramingFailsTheTest) {
  // The chunk says 4 bytes but carries 6.
  CannedServer server({std::string(kSseHead) + chunk(":ok\n\n") + "4\r\ndata: x\n\n\r\n"});
  StreamClient client(server.port(), "/v2/stream/test");
  EXPECT_NONFATAL_FAILURE({ EXPECT_FALSE(client.next_event(milliseconds(5000))); },
                          "bad chunk framing");
  EXPECT_TRUE(client.framing_error());
  EXPECT_TRUE(client.ended());
  EXPECT_FALSE(client.complete());
}

TEST(StreamClient, BadFramingCanBeInspectedInstead) {
  CannedServer server({std::string(kSseHead) + "5\n:ok\n\n\r\n"});
  StreamClient client(server.port(), "/v2/stream/test");
  client.set_fail_on_bad_framing(false);
  EXPECT_FALSE(client.raw_until(":ok", milliseconds(5000)));
  EXPECT_TRUE(client.framing_error());
  EXPECT_NE(client.framing_error_message().find("bare LF"), std::string::npos);
}

TEST(StreamClient, TimesOutOnASilentStream) {
  CannedServer server({std::string(kSseHead) + chunk(":ok\n\n")}, /*hold_open=*/true);
  StreamClient client(server.port(), "/v2/stream/test");
  auto start = Clock::now();
  EXPECT_FALSE(client.next_event(milliseconds(200)));
  auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, milliseconds(200));
  EXPECT_LT(elapsed, milliseconds(2000));
  EXPECT_FALSE(client.ended());
  EXPECT_EQ(client.next_comment(milliseconds(100)), "ok");
  client.close(/*abortive=*/true);
  EXPECT_FALSE(client.is_open());
}

TEST(StreamClient, EndWithoutTerminalChunkIsNotComplete) {
  CannedServer server({std::string(kSseHead) + chunk(":ok\n\ndata: a\n\n")});
  StreamClient client(server.port(), "/v2/stream/test");
  EXPECT_TRUE(client.next_event(milliseconds(5000)));
  EXPECT_TRUE(client.read_to_end(milliseconds(5000)));
  EXPECT_TRUE(client.peer_closed());
  EXPECT_FALSE(client.complete());
  EXPECT_FALSE(client.framing_error());
}

TEST(StreamClient, ErrorResponseWithContentLength) {
  const std::string body = "{\"status\":404,\"type\":\"not_found\"}";
  CannedServer server({"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body},
                      /*hold_open=*/true);
  StreamClient client(server.port(), "/v2/stream/nope");
  EXPECT_EQ(client.status(), 404);
  EXPECT_EQ(client.reason(), "Not Found");
  EXPECT_FALSE(client.is_chunked());
  EXPECT_TRUE(client.read_to_end(milliseconds(5000)));
  EXPECT_EQ(client.raw(), body);
  client.close();
}

}  // namespace
}  // namespace eventstreams::testing
