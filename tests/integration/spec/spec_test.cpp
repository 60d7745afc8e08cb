// GET /?spec and /?doc against the real server (issue 9 item 1, SPEC 5): the document
// validates with a real OpenAPI validator, every x-ample passes the way the original's spec
// test runs them, schemas come from a local HTTP server and a local folder in turn.
// The validator is Python's openapi-spec-validator, pinned in requirements.txt and installed
// by scripts/python-venv.sh (the ctest fixture spec.venv runs it first).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "local_http_server.h"
#include "support/http_client.h"
#include "support/server_process.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace eventstreams::testing {
namespace {

using namespace std::chrono_literals;

// The stream served from the local HTTP schema server: JSON Schema keywords OpenAPI 3.0 does
// not allow, which the spec must rewrite to stay valid.
constexpr const char* kHttpSchema = R"({
  "$schema": "https://json-schema.org/draft-07/schema#",
  "$id": "/http/event/1.0.0",
  "title": "http/event",
  "type": "object",
  "required": ["meta"],
  "properties": {
    "meta": {"type": "object", "properties": {"domain": {"type": "string"}}},
    "kind": {"type": "string", "const": "edit"},
    "size": {"type": ["integer", "null"], "exclusiveMinimum": 0}
  },
  "examples": [{"meta": {"domain": "en.wikipedia.org"}, "kind": "edit", "size": 3}]
})";

// Found in the second base (a folder) after the HTTP base answered 404.
constexpr const char* kFileSchema =
    "$id: /file/event/latest\ntitle: file/event\ntype: object\nproperties:\n"
    "  page_title: {type: string}\nexamples:\n  - {page_title: Main_Page}\n";

constexpr const char* kStreams = R"(
inline.stream:
  topics: [t.inline]
  description: Inline schema.
  schema:
    title: inline
    type: object
    properties: {n: {type: integer}}
    examples: [{n: 1}]
http.stream:
  topics: [t.http]
  $schema: /http/event/1.0.0
  schema_title: http/event
  stream_aliases: [http-alias]
file.stream:
  topics: [t.file]
  schema_title: file/event
missing.stream:
  topics: [t.missing]
  $schema: /missing/1.0.0
)";

std::string python() {
  return std::string(ES_OPENAPI_VENV) + "/bin/python";
}

// Run directly (not under ctest's fixture), the test makes the venv itself.
void ensure_venv() {
  if (std::filesystem::exists(python())) return;
  const RunResult r = run_capture({ES_OPENAPI_VENV_SCRIPT, ES_OPENAPI_VENV, ES_OPENAPI_REQUIREMENTS}, 600s);
  ASSERT_EQ(r.exit_code, 0) << r.output;
}

RunResult spec_check(const std::string& mode, uint16_t port) {
  return run_capture({python(), ES_SPEC_CHECK, mode, "http://127.0.0.1:" + std::to_string(port)},
                     120s);
}

class Spec : public ::testing::Test {
 protected:
  void SetUp() override {
    ensure_venv();
    schemas_ = std::make_unique<LocalHttpServer>(
        std::map<std::string, LocalHttpServer::Answer>{{"/http/event/1.0.0", {200, kHttpSchema}}});
    std::filesystem::create_directories(dir_.path() + "/schemas/file/event");
    dir_.write("schemas/file/event/latest", kFileSchema);
    const std::string streams = dir_.write("streams.yaml", kStreams);
    server_ = std::make_unique<ServerProcess>(
        "interface: 127.0.0.1\n"
        "stream_config_uri: " +
        streams +
        "\n"
        "kafka: {embedded: true}\n"
        "plugins: {transforms: [filter]}\n"
        "schema_latest_version: latest\n"
        "schema_uri_options: {headers: {User-Agent: spec-test}}\n"
        "schema_base_uris: [\"" +
        schemas_->base() + "\", " + dir_.path() + "/schemas]\n");
  }

  rapidjson::Document spec() {
    const HttpResponse r = get(server_->port(), "/?spec");
    EXPECT_EQ(r.status, 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    EXPECT_FALSE(doc.HasParseError()) << r.body;
    return doc;
  }

  TempDir dir_{"es-spec-"};
  std::unique_ptr<LocalHttpServer> schemas_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(Spec, ServedDocumentValidatesAsOpenApi3) {
  const RunResult r = spec_check("validate", server_->port());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok - valid OpenAPI 3.0"), std::string::npos) << r.output;
}

TEST_F(Spec, EveryXAmplePassesAgainstTheServer) {
  const RunResult r = spec_check("x-amples", server_->port());
  EXPECT_EQ(r.exit_code, 0) << r.output << server_->log_text();
  // The monitoring routes are all there and ran.
  for (const char* route : {"(GET /)", "(GET /_info)", "(GET /_info/name)", "(GET /_info/version)",
                            "(GET /robots.txt)", "(GET /healthz)"}) {
    EXPECT_NE(r.output.find(route), std::string::npos) << route << "\n" << r.output;
  }
  EXPECT_NE(r.output.find("10 passed, 0 failed"), std::string::npos) << r.output;
}

TEST_F(Spec, SchemasComeFromTheStreamConfigAndTheBasesInTurn) {
  const auto doc = spec();
  const auto& paths = doc["paths"];
  auto content = [&](const char* stream) -> const rapidjson::Value& {
    return paths[("/v2/stream/" + std::string(stream)).c_str()]["get"]["responses"]["200"]
                ["content"]["application/json"];
  };
  EXPECT_TRUE(content("inline.stream")["schema"]["properties"].HasMember("n"));
  EXPECT_EQ(content("inline.stream")["example"]["n"].GetInt(), 1);

  const auto& http = content("http.stream");
  EXPECT_STREQ(http["schema"]["title"].GetString(), "http/event");
  EXPECT_FALSE(http["schema"].HasMember("$schema"));
  EXPECT_FALSE(http["schema"].HasMember("$id"));
  EXPECT_FALSE(http["schema"].HasMember("examples"));
  EXPECT_STREQ(http["example"]["kind"].GetString(), "edit");
  EXPECT_TRUE(content("http-alias")["schema"]["properties"].HasMember("size"));
  // One fetch for the stream and its alias, with the configured header.
  ASSERT_GE(schemas_->requests(), 1);
  EXPECT_EQ(schemas_->request(0).at("User-Agent"), "spec-test");

  const auto& file = content("file.stream");
  EXPECT_TRUE(file["schema"]["properties"].HasMember("page_title"));
  EXPECT_STREQ(file["example"]["page_title"].GetString(), "Main_Page");

  EXPECT_FALSE(content("missing.stream")["schema"].HasMember("properties"));
  EXPECT_TRUE(server_->wait_for_log("stream schema left out of the OpenAPI spec"));
  EXPECT_NE(server_->log_text().find("missing.stream"), std::string::npos);

  const auto& streams = paths["/v2/stream/{streams}"]["get"]["parameters"][0]["schema"]["items"];
  std::vector<std::string> names;
  for (const auto& n : streams["enum"].GetArray()) names.emplace_back(n.GetString());
  EXPECT_EQ(names, (std::vector<std::string>{"file.stream", "http-alias", "http.stream",
                                             "inline.stream", "missing.stream"}));
  std::vector<std::string> params;
  for (const auto& p : paths["/v2/stream/{streams}"]["get"]["parameters"].GetArray()) {
    params.emplace_back(p["name"].GetString());
  }
  EXPECT_EQ(params, (std::vector<std::string>{"streams", "since", "Last-Event-ID", "filters"}));
}

TEST_F(Spec, DocPageAndItsStylesheetAreServedAndTheBareRootSendsToTheUi) {
  const HttpResponse doc = get(server_->port(), "/?doc");
  EXPECT_EQ(doc.status, 200);
  EXPECT_EQ(doc.header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(doc.body.find("<code>/v2/stream/http.stream</code>"), std::string::npos);
  EXPECT_NE(doc.body.find("Main_Page"), std::string::npos);
  EXPECT_TRUE(doc.header("Content-Security-Policy").has_value());

  const HttpResponse css = get(server_->port(), "/doc.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header("Content-Type").value_or(""), "text/css; charset=utf-8");

  EXPECT_EQ(get(server_->port(), "/?spec=true").status, 200);
  EXPECT_EQ(get(server_->port(), "/?doc=").status, 200);
  const HttpResponse root = get(server_->port(), "/");
  EXPECT_EQ(root.status, 303);
  EXPECT_EQ(root.header("Location").value_or(""), "/v2/ui");
  EXPECT_EQ(get(server_->port(), "/?fooo=true").status, 404);
  const HttpResponse head = request(server_->port(), "HEAD", "/?spec");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

// The checker must be able to fail: a document that is not valid OpenAPI and whose x-amples
// do not hold, served by a plain HTTP server.
TEST(SpecCheck, FailsOnAnInvalidDocumentAndOnAnXAmpleThatDoesNotHold) {
  ensure_venv();
  LocalHttpServer bad(
      {{"/?spec", {200, R"({"openapi":"3.0.3","info":{"title":"x"},"paths":{"/_info":{
                           "get":{"responses":{"200":{"description":"OK"}},"x-amples":[{
                           "title":"info","request":{},"response":{"status":200}}]}}}})"}}});
  const std::string base = bad.base();
  const RunResult validate = run_capture({python(), ES_SPEC_CHECK, "validate", base}, 120s);
  EXPECT_EQ(validate.exit_code, 1) << validate.output;  // info.version is missing
  EXPECT_NE(validate.output.find("not ok - invalid OpenAPI document"), std::string::npos)
      << validate.output;
  const RunResult examples = run_capture({python(), ES_SPEC_CHECK, "x-amples", base}, 120s);
  EXPECT_EQ(examples.exit_code, 1) << examples.output;  // /_info is a 404 there
  EXPECT_NE(examples.output.find("not ok - info: GET"), std::string::npos) << examples.output;
}

}  // namespace
}  // namespace eventstreams::testing
