// SPEC 5 headers on every response, the stream response head (SPEC 2 / 7), HEAD, OPTIONS,
// /_info, /robots.txt and unknown paths.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <regex>
#include <string>

#include "errors_util.h"
#include "support/http_client.h"
#include "support/producer.h"
#include "support/sse_client.h"

namespace eventstreams::testing::errors {
namespace {

using namespace std::chrono_literals;

// The head and body of a raw HTTP exchange, split at the first CRLFCRLF.
struct RawResponse {
  ResponseHead head;
  std::string body;
};
RawResponse split_raw(const std::string& received) {
  RawResponse out;
  const auto end = find_head_end(received);
  if (!end) {
    ADD_FAILURE() << "no complete response head in: " << received;
    return out;
  }
  std::string error;
  auto head = parse_response_head(std::string_view(received).substr(0, *end - 2), &error);
  if (!head) {
    ADD_FAILURE() << "malformed head (" << error << "): " << received;
    return out;
  }
  out.head = std::move(*head);
  out.body = received.substr(*end);
  return out;
}

std::string head_request(uint16_t port, std::string_view target) {
  return "HEAD " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\n\r\n";
}

TEST(HttpHeaders, CommonHeadersOnEveryKindOfResponse) {
  Env env = start_env();
  {
    StreamClient stream(env.port(), "/v2/stream/recentchange");
    ASSERT_EQ(stream.status(), 200);
    expect_common_headers(stream.headers(), "*", "stream 200");
  }
  {
    StreamClient ndjson(env.port(), "/v2/stream/recentchange", {{"Accept", "application/json"}});
    ASSERT_EQ(ndjson.status(), 200);
    expect_common_headers(ndjson.headers(), "*", "ndjson 200");
  }
  expect_common_headers(get(env.port(), "/v2/stream/nope").headers, "*", "stream 404");
  expect_common_headers(get(env.port(), "/v2/stream/recentchange?since=bad").headers, "*",
                        "stream 400");
  expect_common_headers(get(env.port(), "/v2/stream/missing-topic").headers, "*", "stream 503");
  expect_common_headers(get(env.port(), "/_info").headers, "*", "/_info");
  expect_common_headers(get(env.port(), "/_info/version").headers, "*", "/_info/version");
  expect_common_headers(get(env.port(), "/robots.txt").headers, "*", "/robots.txt");
  expect_common_headers(get(env.port(), "/no/such/path").headers, "*", "unknown path");
  expect_common_headers(request(env.port(), "OPTIONS", "/v2/stream/recentchange").headers, "*",
                        "OPTIONS");
  expect_common_headers(request(env.port(), "HEAD", "/v2/stream/nope").headers, "*", "HEAD 404");
  const RawExchange head =
      raw_exchange(env.port(), head_request(env.port(), "/v2/stream/recentchange"));
  expect_common_headers(split_raw(head.received).head.headers, "*", "HEAD stream");
}

TEST(HttpHeaders, CorsAndContentSecurityPolicyAreConfigurable) {
  Env env = start_env(
      "cors: https://example.org\n"
      "content_security_policy: \"default-src 'none'; frame-ancestors 'none'\"\n");
  const auto check = [](const Headers& h, const char* what) {
    expect_common_headers(h, "https://example.org", what);
    EXPECT_EQ(header_value(h, "Content-Security-Policy").value_or(""),
              "default-src 'none'; frame-ancestors 'none'")
        << what;
  };
  {
    StreamClient stream(env.port(), "/v2/stream/recentchange");
    ASSERT_EQ(stream.status(), 200);
    check(stream.headers(), "stream 200");
  }
  check(get(env.port(), "/v2/stream/nope").headers, "404");
  check(get(env.port(), "/_info").headers, "/_info");
  check(request(env.port(), "OPTIONS", "/v2/stream/recentchange").headers, "OPTIONS");
}

TEST(HttpHeaders, SseStreamHeadAndFirstBytes) {
  Env env = start_env();
  StreamClient client(env.port(), "/v2/stream/recentchange");
  EXPECT_EQ(client.status(), 200);
  EXPECT_EQ(client.reason(), "OK");
  EXPECT_EQ(client.version(), "HTTP/1.1");
  EXPECT_EQ(header_values(client.headers(), "Transfer-Encoding"),
            std::vector<std::string>{"chunked"});
  EXPECT_FALSE(client.header("Content-Length").has_value());
  EXPECT_EQ(header_values(client.headers(), "Content-Type"),
            std::vector<std::string>{"text/event-stream; charset=utf-8"});
  EXPECT_EQ(client.header("Cache-Control").value_or("<none>"), "no-cache");
  ASSERT_TRUE(client.raw_until([](std::string_view b) { return b.size() >= 5; }, 10s));
  EXPECT_EQ(client.raw().substr(0, 5), ":ok\n\n");

  // Any Accept other than application/json gets SSE too.
  for (const char* accept : {"text/event-stream", "text/html, */*", "*/*"}) {
    StreamClient other(env.port(), "/v2/stream/recentchange", {{"Accept", accept}});
    EXPECT_EQ(other.header("Content-Type").value_or(""), "text/event-stream; charset=utf-8")
        << accept;
  }
}

TEST(HttpHeaders, NdjsonStreamHeadAndNoOkComment) {
  Env env = start_env();
  StreamClient client(env.port(), "/v2/stream/recentchange", {{"Accept", "application/json"}});
  ASSERT_EQ(client.status(), 200);
  EXPECT_EQ(header_values(client.headers(), "Content-Type"),
            std::vector<std::string>{"application/json; charset=utf-8"});
  EXPECT_EQ(header_values(client.headers(), "Transfer-Encoding"),
            std::vector<std::string>{"chunked"});
  EXPECT_EQ(client.header("Cache-Control").value_or("<none>"), "no-cache");
  // The headers are out, so the stream's positions are resolved: this event is delivered.
  Producer producer;
  producer.produce(env.rc, 0, R"({"meta":{"domain":"x"},"n":1})");
  const auto line = client.next_line(15s);
  ASSERT_TRUE(line.has_value()) << client.raw();
  // The very first body bytes are the event, not ":ok".
  EXPECT_EQ(client.raw().rfind("{", 0), 0u) << client.raw();
  EXPECT_EQ(client.raw().find(":ok"), std::string::npos) << client.raw();
  rapidjson::Document doc;
  doc.Parse(line->data(), line->size());
  ASSERT_FALSE(doc.HasParseError()) << *line;
  EXPECT_EQ(doc["n"].GetInt(), 1);

  // Prefix match: parameters after the media type keep NDJSON.
  StreamClient with_params(env.port(), "/v2/stream/recentchange",
                           {{"Accept", "application/json; charset=utf-8"}});
  EXPECT_EQ(with_params.header("Content-Type").value_or(""), "application/json; charset=utf-8");
}

TEST(HttpHeaders, HeadOnAStreamSendsTheHeadOnlyAndCloses) {
  Env env = start_env();
  const RawExchange ex =
      raw_exchange(env.port(), head_request(env.port(), "/v2/stream/recentchange"), 10s);
  EXPECT_TRUE(ex.closed) << "the server kept the HEAD connection open";
  const RawResponse r = split_raw(ex.received);
  EXPECT_EQ(r.head.status, 200) << ex.received;
  EXPECT_EQ(header_value(r.head.headers, "Content-Type").value_or(""),
            "text/event-stream; charset=utf-8");
  EXPECT_EQ(header_value(r.head.headers, "Cache-Control").value_or(""), "no-cache");
  EXPECT_EQ(header_value(r.head.headers, "Transfer-Encoding").value_or(""), "chunked");
  EXPECT_EQ(r.body, "") << "HEAD must not send a body";

  const RawExchange nd = raw_exchange(
      env.port(),
      "HEAD /v2/stream/recentchange HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n", 10s);
  const RawResponse r2 = split_raw(nd.received);
  EXPECT_EQ(r2.head.status, 200);
  EXPECT_EQ(header_value(r2.head.headers, "Content-Type").value_or(""),
            "application/json; charset=utf-8");
  EXPECT_EQ(r2.body, "");

  // No consumer is left behind by HEAD.
  const HttpResponse metrics = get(env.port(), "/metrics");
  EXPECT_NE(metrics.body.find("\neventstreams_source_readers 0\n"), std::string::npos)
      << metrics.body;
}

TEST(HttpHeaders, HeadOnAnUnknownStreamIsNotFound) {
  Env env = start_env();
  const HttpResponse r = request(env.port(), "HEAD", "/v2/stream/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  EXPECT_EQ(r.body, "");
  const RawExchange ex = raw_exchange(
      env.port(), "HEAD /v2/stream/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10s);
  EXPECT_EQ(split_raw(ex.received).body, "") << "HEAD must not send a body";
}

TEST(HttpHeaders, OptionsAnswersCorsPreflight) {
  Env env = start_env();
  for (const char* target : {"/v2/stream/recentchange", "/v2/stream/nope", "/_info"}) {
    SCOPED_TRACE(target);
    const HttpResponse r = request(env.port(), "OPTIONS", target,
                                   {{"Origin", "https://example.com"},
                                    {"Access-Control-Request-Method", "GET"},
                                    {"Access-Control-Request-Headers", "last-event-id"}});
    EXPECT_GE(r.status, 200);
    EXPECT_LT(r.status, 300);
    const std::string methods = r.header("Access-Control-Allow-Methods").value_or("");
    EXPECT_TRUE(std::regex_search(methods, std::regex("(^|[ ,])GET($|[ ,])"))) << methods;
    expect_common_headers(r.headers, "*", "OPTIONS");
  }
}

TEST(HttpHeaders, InfoRoutes) {
  Env env = start_env(
      "name: es-under-test\n"
      "description: \"Streams for \\\"tests\\\"\"\n"
      "home: https://example.org/es\n");
  const RunResult version = ServerProcess::run_and_capture({"--version"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(version.output, m, std::regex(R"((\d+\.\d+\.\d+\S*))")))
      << version.output;
  const std::string v = m[1].str();

  const HttpResponse info = get(env.port(), "/_info");
  EXPECT_EQ(info.status, 200);
  EXPECT_EQ(info.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  rapidjson::Document doc;
  doc.Parse(info.body.data(), info.body.size());
  ASSERT_FALSE(doc.HasParseError()) << info.body;
  rapidjson::Document want;
  want.Parse((R"({"name":"es-under-test","version":")" + v +
              R"(","description":"Streams for \"tests\"","home":"https://example.org/es"})")
                 .c_str());
  EXPECT_TRUE(doc == want) << info.body;

  const HttpResponse name = get(env.port(), "/_info/name");
  EXPECT_EQ(name.status, 200);
  doc.Parse(name.body.data(), name.body.size());
  want.Parse(R"({"name":"es-under-test"})");
  EXPECT_TRUE(!doc.HasParseError() && doc == want) << name.body;

  const HttpResponse ver = get(env.port(), "/_info/version");
  EXPECT_EQ(ver.status, 200);
  doc.Parse(ver.body.data(), ver.body.size());
  want.Parse((R"({"version":")" + v + "\"}").c_str());
  EXPECT_TRUE(!doc.HasParseError() && doc == want) << ver.body;
}

TEST(HttpHeaders, RobotsTxtAndUnknownPaths) {
  Env env = start_env();
  const HttpResponse robots = get(env.port(), "/robots.txt");
  EXPECT_EQ(robots.status, 200);
  EXPECT_EQ(robots.body, "User-agent: *\nDisallow: /\n");
  EXPECT_EQ(robots.header("Content-Type").value_or("").rfind("text/plain", 0), 0u);

  for (const char* target : {"/nope", "/v2/streams", "/v2", "/robots.txt/x", "/_infox"}) {
    SCOPED_TRACE(target);
    expect_problem(get(env.port(), target), 404, "not_found", "GET", target);
  }
}

}  // namespace
}  // namespace eventstreams::testing::errors
