// The stream config fetched over http (SPEC 1): stream_config_uri_options.headers go with the
// request, as the original sends User-Agent and Host; an error status is a clear error.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <mutex>

#include "config/config_error.h"
#include "config/stream_config.h"

namespace eventstreams::config {
namespace {

struct Seen {
  std::mutex mutex;
  std::string user_agent, host, path;
};

class Handler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Seen& seen) : seen_(seen) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    {
      std::lock_guard lock(seen_.mutex);
      seen_.user_agent = req.get("User-Agent", "");
      seen_.host = req.get("Host", "");
      seen_.path = req.getURI();
    }
    if (req.getURI() != "/streams.json") {
      res.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
      res.send() << "no";
      return;
    }
    res.setContentType("application/json");
    res.send() << R"({"streams": {"edits": {"topics": ["t1"]}}})";
  }

 private:
  Seen& seen_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Seen& seen) : seen_(seen) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(seen_);
  }

 private:
  Seen& seen_;
};

class StreamConfigFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(seen_), socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  void TearDown() override { server_->stopAll(true); }

  Seen seen_;
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

TEST_F(StreamConfigFetchTest, TheConfiguredHeadersGoWithTheRequest) {
  AppConfig c;
  c.stream_config_uri = "http://127.0.0.1:" + std::to_string(port_) + "/streams.json";
  c.stream_config_object_path = "streams";
  c.stream_config_headers = {{"User-Agent", "eventstreams-test/1"}, {"Host", "meta.example"}};
  const StreamCatalog catalog = load_stream_catalog(c);
  EXPECT_EQ(catalog.find("edits")->topics, std::vector<std::string>{"t1"});
  std::lock_guard lock(seen_.mutex);
  EXPECT_EQ(seen_.user_agent, "eventstreams-test/1");
  EXPECT_EQ(seen_.host, "meta.example");
}

TEST_F(StreamConfigFetchTest, AnErrorStatusIsAClearError) {
  AppConfig c;
  c.stream_config_uri = "http://127.0.0.1:" + std::to_string(port_) + "/missing.json";
  try {
    load_stream_catalog(c);
    FAIL() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTP 404"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eventstreams::config
