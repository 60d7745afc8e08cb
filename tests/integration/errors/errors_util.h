// Helpers shared by the SPEC 4 / SPEC 5 tests: a server with a few streams, problem-body and
// common-header checks, raw exchanges.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/kafka_broker.h"
#include "support/server_process.h"
#include "support/tcp_connection.h"

namespace eventstreams::testing::errors {

inline constexpr std::string_view kAllowHeaders =
    "accept, x-requested-with, content-type, last-event-id";

// Topics and a server exposing them:
//   recentchange    -> rc (1 partition)
//   revision-create -> rev (1 partition)
//   missing-topic   -> a topic that does not exist in Kafka
struct Env {
  std::string rc;
  std::string rev;
  std::string absent;
  std::unique_ptr<ServerProcess> server;
  uint16_t port() const { return server->port(); }
};

inline Env start_env(const std::string& extra_yaml = "") {
  auto& kafka = KafkaBroker::shared();
  Env env;
  env.rc = kafka.create_unique_topic("rc", 1);
  env.rev = kafka.create_unique_topic("rev", 1);
  env.absent = kafka.unique_topic("absent");
  ServerConfig config{
      kafka.bootstrap(),
      {{"recentchange", {env.rc}}, {"revision-create", {env.rev}}, {"missing-topic", {env.absent}}},
      {},
      extra_yaml};
  env.server = std::make_unique<ServerProcess>(config);
  return env;
}

inline std::string standard_reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

// Checks a SPEC 4 problem response (status, reason, Content-Type, exactly the six members with
// the right types and values) and returns its "detail" (empty on failure).
inline std::string expect_problem(const HttpResponse& r, int status, std::string_view type,
                                  std::string_view method, std::string_view uri) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.reason, standard_reason(status));
  EXPECT_EQ(r.header("Content-Type").value_or("<none>"), "application/json; charset=utf-8");
  rapidjson::Document doc;
  doc.Parse(r.body.data(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    ADD_FAILURE() << "problem body is not a JSON object: " << r.body;
    return "";
  }
  EXPECT_EQ(doc.MemberCount(), 6u) << r.body;
  for (const char* key : {"status", "type", "title", "detail", "method", "uri"}) {
    if (!doc.HasMember(key)) {
      ADD_FAILURE() << "problem body lacks \"" << key << "\": " << r.body;
      return "";
    }
  }
  EXPECT_TRUE(doc["status"].IsInt() && doc["status"].GetInt() == status) << r.body;
  for (const char* key : {"type", "title", "detail", "method", "uri"}) {
    if (!doc[key].IsString()) {
      ADD_FAILURE() << "\"" << key << "\" is not a string: " << r.body;
      return "";
    }
  }
  EXPECT_EQ(std::string_view(doc["type"].GetString()), type) << r.body;
  EXPECT_FALSE(std::string_view(doc["title"].GetString()).empty()) << r.body;
  EXPECT_EQ(std::string_view(doc["method"].GetString()), method) << r.body;
  EXPECT_EQ(std::string_view(doc["uri"].GetString()), uri) << r.body;
  return doc["detail"].GetString();
}

// SPEC 5: headers every response carries.
inline void expect_common_headers(const Headers& h, std::string_view origin = "*",
                                  std::string_view what = "") {
  SCOPED_TRACE(std::string("response: ") + std::string(what));
  EXPECT_EQ(header_values(h, "Access-Control-Allow-Origin"),
            std::vector<std::string>{std::string(origin)});
  EXPECT_EQ(header_value(h, "Access-Control-Allow-Headers").value_or("<none>"), kAllowHeaders);
  EXPECT_EQ(header_value(h, "Access-Control-Expose-Headers").value_or("<none>"), "etag");
  EXPECT_EQ(header_value(h, "X-Content-Type-Options").value_or("<none>"), "nosniff");
  EXPECT_EQ(header_value(h, "X-Frame-Options").value_or("<none>"), "SAMEORIGIN");
  const auto csp = header_value(h, "Content-Security-Policy");
  ASSERT_TRUE(csp.has_value());
  EXPECT_FALSE(csp->empty());
}

// Sends `bytes` on a fresh connection and reads until the server closes it (or `timeout`).
// `closed` tells whether it did.
struct RawExchange {
  std::string received;
  bool closed = false;
};
inline RawExchange raw_exchange(uint16_t port, std::string_view bytes,
                                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = deadline_after(timeout);
  RawExchange out;
  TcpConnection conn = TcpConnection::connect(port, deadline);
  try {
    conn.write_all(bytes, deadline);
  } catch (const std::exception&) {
    // The server may answer and close before it has read everything (e.g. a huge request
    // line); what it sent is still readable.
  }
  while (true) {
    const ReadResult r = conn.read_some(out.received, deadline);
    if (r == ReadResult::kData) continue;
    out.closed = r == ReadResult::kEof || r == ReadResult::kError;
    break;
  }
  return out;
}

}  // namespace eventstreams::testing::errors
