// SPEC 4: every error before a stream starts is a JSON problem with the right status and type;
// SPEC 6: connection limits answer 429 / 503 with Retry-After and release their slots.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "errors_util.h"
#include "support/http_client.h"
#include "support/sse_client.h"

namespace eventstreams::testing::errors {
namespace {

using namespace std::chrono_literals;

TEST(HttpErrors, UnknownStreamsAreNotFoundWithTheSpecProblemBody) {
  Env env = start_env();
  const HttpResponse r = get(env.port(), "/v2/stream/recentchange,nope,foo");
  expect_problem(r, 404, "not_found", "GET", "/v2/stream/recentchange,nope,foo");
  // SPEC 4 gives this body verbatim; members compare regardless of order.
  rapidjson::Document got, want;
  got.Parse(r.body.data(), r.body.size());
  want.Parse(
      R"({"status":404,"type":"not_found","title":"Stream Not Found","detail":"Invalid streams: nope,foo","method":"GET","uri":"/v2/stream/recentchange,nope,foo"})");
  ASSERT_FALSE(got.HasParseError()) << r.body;
  EXPECT_TRUE(got == want) << r.body;
  expect_common_headers(r.headers, "*", "404");
}

TEST(HttpErrors, EmptyStreamNamesAreNotFound) {
  Env env = start_env();
  for (const char* target :
       {"/v2/stream/", "/v2/stream", "/v2/stream/a,,b", "/v2/stream/recentchange,,revision-create",
        "/v2/stream/,recentchange", "/v2/stream/recentchange,"}) {
    SCOPED_TRACE(target);
    const HttpResponse r = get(env.port(), target);
    expect_problem(r, 404, "not_found", "GET", target);
  }
}

TEST(HttpErrors, PercentEncodedCommaAndTrailingSlashSelectStreams) {
  Env env = start_env();
  for (const char* target :
       {"/v2/stream/recentchange%2Crevision-create", "/v2/stream/recentchange%2crevision-create",
        "/v2/stream/recentchange/", "/v2/stream/recentchange,revision-create/"}) {
    SCOPED_TRACE(target);
    StreamClient client(env.port(), target);
    EXPECT_EQ(client.status(), 200);
    EXPECT_TRUE(client.raw_until(":ok\n\n", 10s)) << client.raw();
  }
  // The decoded names are looked up: an unknown one among them is reported decoded.
  const HttpResponse r = get(env.port(), "/v2/stream/recentchange%2Cnope");
  EXPECT_EQ(expect_problem(r, 404, "not_found", "GET", "/v2/stream/recentchange%2Cnope"),
            "Invalid streams: nope");
}

TEST(HttpErrors, UnparseableSinceIsInvalidTimestamp) {
  Env env = start_env();
  for (const char* since : {"yesterday", "12abc", "2024-13-45T99:99:99Z", "%20"}) {
    SCOPED_TRACE(since);
    const std::string target = std::string("/v2/stream/recentchange?since=") + since;
    const HttpResponse r = get(env.port(), target);
    expect_problem(r, 400, "invalid_timestamp", "GET", target);
  }
  // A parseable one is fine.
  StreamClient ok(env.port(), "/v2/stream/recentchange?since=2024-01-01T00:00:00Z");
  EXPECT_EQ(ok.status(), 200);
}

TEST(HttpErrors, MalformedLastEventIdSaysWhichProblem) {
  Env env = start_env();
  const std::string t = "\"" + env.rc + "\"";
  struct Case {
    const char* name;
    std::string header;
    std::vector<std::string> detail_mentions;
  };
  const std::vector<Case> cases = {
      {"not JSON", "this is not json", {"JSON"}},
      {"truncated JSON", "[{\"topic\":" + t, {"JSON"}},
      {"object, not array", "{\"topic\":" + t + ",\"partition\":0,\"offset\":0}", {"array"}},
      {"number, not array", "42", {"array"}},
      {"empty array", "[]", {"empty"}},
      {"element not an object", "[42]", {"object"}},
      {"no topic", "[{\"partition\":0,\"offset\":0}]", {"topic"}},
      {"topic not a string", "[{\"topic\":5,\"partition\":0,\"offset\":0}]", {"topic"}},
      {"no partition", "[{\"topic\":" + t + ",\"offset\":0}]", {"partition"}},
      {"partition not an integer",
       "[{\"topic\":" + t + ",\"partition\":\"0\",\"offset\":0}]",
       {"partition", "integer"}},
      {"partition fractional",
       "[{\"topic\":" + t + ",\"partition\":0.5,\"offset\":0}]",
       {"partition"}},
      {"neither offset nor timestamp",
       "[{\"topic\":" + t + ",\"partition\":0}]",
       {"offset", "timestamp"}},
      {"offset not an integer",
       "[{\"topic\":" + t + ",\"partition\":0,\"offset\":\"3\"}]",
       {"offset"}},
      {"timestamp not an integer",
       "[{\"topic\":" + t + ",\"partition\":0,\"timestamp\":\"yesterday\"}]",
       {"timestamp"}},
  };
  std::set<std::string> details;
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.name) + ": " + c.header);
    const HttpResponse r =
        get(env.port(), "/v2/stream/recentchange", {{"Last-Event-ID", c.header}});
    const std::string detail =
        expect_problem(r, 400, "invalid_last_event_id", "GET", "/v2/stream/recentchange");
    for (const auto& word : c.detail_mentions) {
      EXPECT_NE(detail.find(word), std::string::npos) << "detail: " << detail;
    }
    details.insert(detail);
  }
  // "A 400 that says which": the classes of defect get distinct details, not one generic text.
  EXPECT_GE(details.size(), 10u);
}

TEST(HttpErrors, EmptyLastEventIdIsTreatedAsAbsent) {
  Env env = start_env();
  StreamClient client(env.port(), "/v2/stream/recentchange", {{"Last-Event-ID", ""}});
  EXPECT_EQ(client.status(), 200);
  EXPECT_TRUE(client.raw_until(":ok\n\n", 10s)) << client.raw();
}

TEST(HttpErrors, LastEventIdTopicOutsideTheRequestedStreamsIsRejected) {
  Env env = start_env();
  // rev is a configured topic, just not one of this request's.
  const std::string header = "[{\"topic\":\"" + env.rev + "\",\"partition\":0,\"offset\":0}]";
  const HttpResponse r = get(env.port(), "/v2/stream/recentchange", {{"Last-Event-ID", header}});
  const std::string detail =
      expect_problem(r, 400, "invalid_last_event_id", "GET", "/v2/stream/recentchange");
  EXPECT_NE(detail.find(env.rev), std::string::npos) << detail;
  // Mixed with a valid entry it is still rejected.
  const std::string mixed = "[{\"topic\":\"" + env.rc + "\",\"partition\":0,\"offset\":0}," +
                            "{\"topic\":\"elsewhere\",\"partition\":0,\"timestamp\":1}]";
  const HttpResponse r2 = get(env.port(), "/v2/stream/recentchange", {{"Last-Event-ID", mixed}});
  expect_problem(r2, 400, "invalid_last_event_id", "GET", "/v2/stream/recentchange");
  // The same topic for the stream that has it is accepted.
  StreamClient ok(env.port(), "/v2/stream/revision-create", {{"Last-Event-ID", header}});
  EXPECT_EQ(ok.status(), 200);
}

TEST(HttpErrors, ConfiguredTopicMissingFromKafkaIsTopicNotAvailable) {
  Env env = start_env();
  const HttpResponse r = get(env.port(), "/v2/stream/missing-topic");
  const std::string detail =
      expect_problem(r, 503, "topic_not_available", "GET", "/v2/stream/missing-topic");
  EXPECT_NE(detail.find(env.absent), std::string::npos) << detail;
  // Together with an existing stream, and with since: the same.
  const HttpResponse r2 = get(env.port(), "/v2/stream/recentchange,missing-topic?since=0");
  expect_problem(r2, 503, "topic_not_available", "GET",
                 "/v2/stream/recentchange,missing-topic?since=0");
  // The server is not harmed: a good stream still starts.
  StreamClient ok(env.port(), "/v2/stream/recentchange");
  EXPECT_EQ(ok.status(), 200);
}

TEST(HttpErrors, OtherMethodsAreNotAllowed) {
  Env env = start_env();
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    for (const char* target : {"/v2/stream/recentchange", "/_info"}) {
      SCOPED_TRACE(std::string(method) + " " + target);
      const HttpResponse r = request(env.port(), method, target, {}, 10s, "{}");
      expect_problem(r, 405, "method_not_allowed", method, target);
      expect_common_headers(r.headers, "*", "405");
    }
  }
}

// Opens streams until one is not refused with `refused_status`, within `timeout`.
std::unique_ptr<StreamClient> connect_when_admitted(uint16_t port, int refused_status,
                                                    std::chrono::milliseconds timeout) {
  const auto deadline = deadline_after(timeout);
  while (true) {
    auto c = std::make_unique<StreamClient>(port, "/v2/stream/recentchange");
    if (c->status() != refused_status || Clock::now() >= deadline) return c;
    // Bounded polling for the server to notice the close; not a synchronisation sleep.
    std::this_thread::sleep_for(20ms);
  }
}

void expect_retry_after(const StreamClient& c) {
  const auto retry = c.header("Retry-After");
  ASSERT_TRUE(retry.has_value());
  ASSERT_FALSE(retry->empty());
  EXPECT_EQ(retry->find_first_not_of("0123456789"), std::string::npos) << *retry;
  EXPECT_GT(std::stol(*retry), 0);
}

TEST(HttpErrors, ClientIpConnectionLimitAnswers429UntilTheSlotIsFree) {
  Env env = start_env("client_ip_connection_limit: 1\n");
  auto first = std::make_unique<StreamClient>(env.port(), "/v2/stream/recentchange");
  ASSERT_EQ(first->status(), 200);
  ASSERT_TRUE(first->raw_until(":ok\n\n", 10s));

  StreamClient second(env.port(), "/v2/stream/recentchange");
  EXPECT_EQ(second.status(), 429);
  EXPECT_EQ(second.reason(), "Too Many Requests");
  EXPECT_EQ(second.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  expect_retry_after(second);
  ASSERT_TRUE(second.read_to_end(10s));
  EXPECT_NE(second.raw().find("\"type\":\"too_many_requests\""), std::string::npos) << second.raw();
  // Another stream set from the same address is refused too: the limit is per address.
  StreamClient third(env.port(), "/v2/stream/revision-create");
  EXPECT_EQ(third.status(), 429);
  // Non-stream routes are not limited.
  EXPECT_EQ(get(env.port(), "/_info").status, 200);

  first->close();
  auto again = connect_when_admitted(env.port(), 429, 10s);
  EXPECT_EQ(again->status(), 200) << "the closed stream's slot was not released";
  // Refusals did not take slots: once this one leaves, another is admitted again.
  again->close(/*abortive=*/true);
  auto last = connect_when_admitted(env.port(), 429, 10s);
  EXPECT_EQ(last->status(), 200);
}

TEST(HttpErrors, MaxConnectionsAnswers503ServiceUnavailable) {
  Env env = start_env("max_connections: 1\n");
  auto first = std::make_unique<StreamClient>(env.port(), "/v2/stream/revision-create");
  ASSERT_EQ(first->status(), 200);

  StreamClient second(env.port(), "/v2/stream/recentchange");
  EXPECT_EQ(second.status(), 503);
  EXPECT_EQ(second.reason(), "Service Unavailable");
  EXPECT_EQ(second.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  expect_retry_after(second);
  ASSERT_TRUE(second.read_to_end(10s));
  EXPECT_NE(second.raw().find("\"type\":\"service_unavailable\""), std::string::npos)
      << second.raw();

  first->close();
  auto again = connect_when_admitted(env.port(), 503, 10s);
  EXPECT_EQ(again->status(), 200) << "the closed stream's slot was not released";
}

}  // namespace
}  // namespace eventstreams::testing::errors
