// https for what the config points at (issue 9 item 3): against a local https server whose
// certificate is signed by a CA the test creates, the fetch succeeds with that CA in
// https_ca_file and fails clearly without it, or when the certificate names another host.
#include "config/url_fetch.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/stream_config.h"

namespace eventstreams::config {
namespace {

namespace fs = std::filesystem;

class Answer final : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& res) override {
    res.setContentType("application/json");
    res.send() << R"({"edits": {"topics": ["t1"]}})";
  }
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Answer;
  }
};

// A CA and two server certificates it signed: one for 127.0.0.1, one for another name.
class TestPki {
 public:
  TestPki() {
    dir_ = fs::temp_directory_path() / ("es-pki-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "-subj /CN=eventstreams-test-ca");
    issue("good", "127.0.0.1", "IP:127.0.0.1");
    issue("other", "elsewhere.invalid", "DNS:elsewhere.invalid");
  }
  ~TestPki() { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  void run(const std::string& command) const {
    const std::string line = "cd '" + dir_.string() + "' && " + command + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(line.c_str()), 0) << command;
  }
  void issue(const std::string& name, const std::string& cn, const std::string& san) const {
    std::ofstream(dir_ / (name + ".ext")) << "subjectAltName=" << san << "\n";
    run("openssl req -newkey rsa:2048 -nodes -keyout " + name + ".key -out " + name +
        ".csr -subj /CN=" + cn);
    run("openssl x509 -req -in " + name + ".csr -CA ca.pem -CAkey ca.key -CAcreateserial -out " +
        name + ".pem -days 2 -extfile " + name + ".ext");
  }
  fs::path dir_;
};

class HttpsServer {
 public:
  HttpsServer(const TestPki& pki, const std::string& cert) {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, pki.path(cert + ".key"),
                               pki.path(cert + ".pem"), "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
    port_ = socket.address().port();
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory, socket,
                                                      new Poco::Net::HTTPServerParams);
    server_->start();
  }
  ~HttpsServer() { server_->stopAll(true); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/streams"; }

 private:
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

TEST(UrlFetch, HttpsWithTheTestCaTrustedFetchesTheDocument) {
  TestPki pki;
  HttpsServer server(pki, "good");
  FetchOptions options;
  options.ca_file = pki.path("ca.pem");
  const FetchResult r = fetch_url(server.url(), options);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.body, R"({"edits": {"topics": ["t1"]}})");
  // The same through the stream config loader, with the app config's key.
  AppConfig config;
  config.stream_config_uri = server.url();
  config.https_ca_file = pki.path("ca.pem");
  EXPECT_EQ(load_stream_catalog(config).find("edits")->topics, std::vector<std::string>{"t1"});
}

TEST(UrlFetch, AnUntrustedCertificateIsAClearError) {
  TestPki pki;
  HttpsServer server(pki, "good");
  const FetchResult r = fetch_url(server.url(), {});  // the system store only
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.unreachable);
  EXPECT_NE(r.error.find("TLS"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(server.url()), std::string::npos) << r.error;
}

TEST(UrlFetch, ACertificateForAnotherHostIsRefused) {
  TestPki pki;
  HttpsServer server(pki, "other");
  FetchOptions options;
  options.ca_file = pki.path("ca.pem");
  const FetchResult r = fetch_url(server.url(), options);
  EXPECT_FALSE(r.ok) << "a certificate for elsewhere.invalid was accepted for 127.0.0.1";
  EXPECT_TRUE(r.unreachable);
  EXPECT_NE(r.error.find("not for 127.0.0.1"), std::string::npos) << r.error;
}

TEST(UrlFetch, UnsupportedSchemesAndMissingFilesSayWhat) {
  const FetchResult ftp = fetch_url("ftp://127.0.0.1/x", {});
  EXPECT_FALSE(ftp.ok);
  EXPECT_TRUE(ftp.unreachable);
  EXPECT_NE(ftp.error.find("ftp://127.0.0.1/x"), std::string::npos);
  const FetchResult missing = fetch_url("/nonexistent/streams.yaml", {});
  EXPECT_FALSE(missing.ok);
  EXPECT_FALSE(missing.unreachable);
}

}  // namespace
}  // namespace eventstreams::config
