// The server's schema fetcher (schema_fetch.h) against a local HTTP server and local files.
#include "http/openapi/schema_fetch.h"

#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "local_http_server.h"

namespace eventstreams::http::openapi {
namespace {

using testing::LocalHttpServer;

TEST(SchemaFetch, HttpAnswersWithTheBodyAndSendsTheConfiguredHeaders) {
  LocalHttpServer server({{"/s/1", {200, R"({"title":"s"})"}}});
  FetchOptions options;
  options.headers = {{"User-Agent", "eventstreams-test"}, {"X-Extra", "1"}};
  const auto fetch = make_schema_fetcher(options);
  const FetchResult r = fetch(server.base() + "/s/1");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body, R"({"title":"s"})");
  ASSERT_EQ(server.requests(), 1);
  EXPECT_EQ(server.request(0).at("User-Agent"), "eventstreams-test");
  EXPECT_EQ(server.request(0).at("X-Extra"), "1");
}

TEST(SchemaFetch, ANotFoundIsAMissNotAnUnreachableBase) {
  LocalHttpServer server({});
  const FetchResult r = make_schema_fetcher({})(server.base() + "/nope");
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.unreachable);
  EXPECT_NE(r.error.find("HTTP 404"), std::string::npos) << r.error;
}

TEST(SchemaFetch, ARefusedConnectionIsUnreachable) {
  Poco::UInt16 port = 0;
  {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = s.address().port();
  }  // closed: nothing listens there now
  const FetchResult r = make_schema_fetcher({})("http://127.0.0.1:" + std::to_string(port) + "/s");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.unreachable) << r.error;
}

TEST(SchemaFetch, AServerThatDoesNotAnswerIsGivenUpOn) {
  LocalHttpServer server({}, "/hang");
  FetchOptions options;
  options.timeout = std::chrono::milliseconds(200);
  const FetchResult r = make_schema_fetcher(options)(server.base() + "/hang");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.unreachable) << r.error;
}

TEST(SchemaFetch, AnAnswerLargerThanTheLimitIsRefused) {
  LocalHttpServer server({{"/big", {200, std::string(5000, 'x')}}});
  FetchOptions options;
  options.max_bytes = 1000;
  const FetchResult r = make_schema_fetcher(options)(server.base() + "/big");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("larger than"), std::string::npos) << r.error;
}

TEST(SchemaFetch, LocalPathsAndFileUrls) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("es-schema-fetch-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "s.yaml";
  std::ofstream(file) << "title: s\n";
  const auto fetch = make_schema_fetcher({});
  EXPECT_EQ(fetch(file.string()).body, "title: s\n");
  EXPECT_EQ(fetch("file://" + file.string()).body, "title: s\n");
  const FetchResult missing = fetch((dir / "missing").string());
  EXPECT_FALSE(missing.ok);
  EXPECT_FALSE(missing.unreachable);
  std::filesystem::remove_all(dir);
}

TEST(SchemaFetch, HttpsAndUnknownSchemesAreUnreachableForNow) {
  const auto fetch = make_schema_fetcher({});
  EXPECT_TRUE(fetch("https://127.0.0.1:1/s").unreachable);
  EXPECT_TRUE(fetch("ftp://127.0.0.1/s").unreachable);
}

}  // namespace
}  // namespace eventstreams::http::openapi
