// The OpenAPI builder (issue 9 item 1, SPEC 5): info, the generic stream path, one path per
// stream with its schema and example, the monitoring routes' x-amples.
#include "http/openapi/openapi_spec.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

namespace eventstreams::http::openapi {
namespace {

config::AppConfig app_config() {
  return config::parse_app_config(YAML::Load(R"(
stream_config_uri: streams.yaml
kafka: {embedded: true}
name: test-streams
description: Streams for tests
home: https://example.org/docs
)"),
                                  "/etc/es");
}

config::StreamCatalog catalog_of(const std::string& yaml) {
  return config::build_stream_catalog(YAML::Load(yaml), "", YAML::Node(), std::nullopt, "t");
}

const char* kStreams = R"(
zeta: {topics: [z]}
mediawiki.recentchange:
  topics: [eqiad.rc, codfw.rc]
  description: Recent changes.
  schema_title: mediawiki/recentchange
  stream_aliases: [recentchange]
alpha: {topics: [a]}
)";

rapidjson::Document build(const SpecInputs& inputs, const char* streams = kStreams) {
  const std::string text = build_openapi_spec(app_config(), catalog_of(streams), inputs);
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

std::string text(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

std::vector<std::string> strings(const rapidjson::Value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.GetArray()) out.emplace_back(v.GetString());
  return out;
}

std::vector<std::string> keys(const rapidjson::Value& object) {
  std::vector<std::string> out;
  for (const auto& m : object.GetObject()) out.emplace_back(m.name.GetString());
  return out;
}

const rapidjson::Value& generic(const rapidjson::Document& doc) {
  return doc["paths"]["/v2/stream/{streams}"]["get"];
}

TEST(OpenApiSpec, InfoAndExternalDocsComeFromTheConfig) {
  SpecInputs inputs;
  inputs.version = "1.2.3";
  const auto doc = build(inputs);
  EXPECT_EQ(std::string(doc["openapi"].GetString()).rfind("3.0.", 0), 0u);
  EXPECT_STREQ(doc["info"]["title"].GetString(), "test-streams");
  EXPECT_STREQ(doc["info"]["description"].GetString(), "Streams for tests");
  EXPECT_STREQ(doc["info"]["version"].GetString(), "1.2.3");
  EXPECT_STREQ(doc["externalDocs"]["url"].GetString(), "https://example.org/docs");
}

TEST(OpenApiSpec, StreamsParameterEnumeratesEveryStreamAndAliasSorted) {
  const auto doc = build({});
  const auto& p = generic(doc)["parameters"][0];
  EXPECT_STREQ(p["name"].GetString(), "streams");
  EXPECT_STREQ(p["in"].GetString(), "path");
  EXPECT_STREQ(p["style"].GetString(), "simple");
  EXPECT_STREQ(p["schema"]["type"].GetString(), "array");
  EXPECT_EQ(strings(p["schema"]["items"]["enum"]),
            (std::vector<std::string>{"alpha", "mediawiki.recentchange", "recentchange", "zeta"}));
}

TEST(OpenApiSpec, FilterParametersOnlyWhenATransformFiltersByField) {
  auto names = [](const rapidjson::Document& doc) {
    std::vector<std::string> out;
    for (const auto& p : generic(doc)["parameters"].GetArray())
      out.emplace_back(p["name"].GetString());
    return out;
  };
  EXPECT_EQ(names(build({})), (std::vector<std::string>{"streams", "since", "Last-Event-ID"}));

  SpecInputs inputs;
  inputs.field_filters = true;
  inputs.reserved_parameters = {"since", "lastEventId", "_"};
  const auto doc = build(inputs);
  EXPECT_EQ(names(doc), (std::vector<std::string>{"streams", "since", "Last-Event-ID", "filters"}));
  const auto& filters = generic(doc)["parameters"][3];
  EXPECT_STREQ(filters["in"].GetString(), "query");
  EXPECT_STREQ(filters["style"].GetString(), "form");
  EXPECT_TRUE(filters["explode"].GetBool());
  EXPECT_STREQ(filters["schema"]["type"].GetString(), "object");
  const std::string description = filters["description"].GetString();
  EXPECT_NE(description.find("Reserved, never filters: since, lastEventId, _."), std::string::npos);
  EXPECT_NE(text(generic(doc)["responses"]["400"]).find("invalid_filter"), std::string::npos);
  EXPECT_EQ(text(generic(build({}))["responses"]["400"]).find("invalid_filter"), std::string::npos);
}

TEST(OpenApiSpec, OkResponseListsTheTwoFormatsAndEveryEncodersMediaType) {
  SpecInputs inputs;
  inputs.encoder_media_types = {"text/event-stream", "application/json", "application/x-ndjson",
                                "application/cbor", "application/x-ndjson"};
  const auto doc = build(inputs);
  EXPECT_EQ(keys(generic(doc)["responses"]["200"]["content"]),
            (std::vector<std::string>{"text/event-stream", "application/json",
                                      "application/x-ndjson", "application/cbor"}));
  // Without encoders the two of SPEC 2 are still there.
  EXPECT_EQ(keys(generic(build({}))["responses"]["200"]["content"]),
            (std::vector<std::string>{"text/event-stream", "application/json"}));
}

TEST(OpenApiSpec, ErrorsOfSpec4UseTheProblemSchema) {
  const auto doc = build({});
  const auto& responses = generic(doc)["responses"];
  for (const char* status : {"400", "404", "429", "502", "503", "504", "default"}) {
    ASSERT_TRUE(responses.HasMember(status)) << status;
    EXPECT_STREQ(responses[status]["content"]["application/json"]["schema"]["$ref"].GetString(),
                 "#/components/schemas/problem")
        << status;
  }
  EXPECT_TRUE(responses["429"]["headers"].HasMember("Retry-After"));
  const auto& problem = doc["components"]["schemas"]["problem"];
  EXPECT_EQ(keys(problem["properties"]),
            (std::vector<std::string>{"status", "type", "title", "detail", "method", "uri"}));
  EXPECT_NE(text(responses["404"]).find("not_found"), std::string::npos);
  EXPECT_NE(text(responses["503"]).find("topic_not_available"), std::string::npos);
}

TEST(OpenApiSpec, OnePathPerStreamDerivedFromTheGenericOne) {
  const auto doc = build({});
  const auto& paths = doc["paths"];
  for (const char* name : {"alpha", "mediawiki.recentchange", "recentchange", "zeta"}) {
    ASSERT_TRUE(paths.HasMember(("/v2/stream/" + std::string(name)).c_str())) << name;
  }
  const auto& rc = paths["/v2/stream/mediawiki.recentchange"]["get"];
  EXPECT_STREQ(rc["summary"].GetString(), "mediawiki.recentchange events");
  EXPECT_STREQ(rc["description"].GetString(),
               "Recent changes.\n\nSchema title: mediawiki/recentchange");
  EXPECT_FALSE(rc["x-monitor"].GetBool());
  std::vector<std::string> params;
  for (const auto& p : rc["parameters"].GetArray()) params.emplace_back(p["name"].GetString());
  EXPECT_EQ(params, (std::vector<std::string>{"since", "Last-Event-ID"}));
  EXPECT_EQ(text(rc["responses"]["404"]), text(generic(doc)["responses"]["404"]));

  EXPECT_STREQ(paths["/v2/stream/alpha"]["get"]["description"].GetString(), "alpha events.");
  const std::string alias = paths["/v2/stream/recentchange"]["get"]["description"].GetString();
  EXPECT_NE(alias.find("alias of mediawiki.recentchange"), std::string::npos) << alias;
  EXPECT_FALSE(generic(doc)["x-monitor"].GetBool());
  // The generic route comes first, then the streams in order.
  const auto order = keys(paths);
  EXPECT_EQ(order[0], "/v2/stream/{streams}");
  EXPECT_EQ(order[1], "/v2/stream/alpha");
  EXPECT_EQ(order[4], "/v2/stream/zeta");
}

TEST(OpenApiSpec, StreamSchemaIsStrippedAndItsFirstExampleBecomesTheExample) {
  SpecInputs inputs;
  inputs.encoder_media_types = {"application/x-ndjson"};
  inputs.schemas["mediawiki.recentchange"] = R"({
    "$schema": "https://json-schema.org/draft-07/schema#",
    "$id": "/mediawiki/recentchange/1.0.0",
    "title": "mediawiki/recentchange",
    "type": "object",
    "properties": {"type": {"type": "string"}, "bot": {"type": "boolean"}},
    "examples": [{"type": "edit", "bot": false}, {"type": "log"}]
  })";
  const auto doc = build(inputs);
  const auto& content =
      doc["paths"]["/v2/stream/mediawiki.recentchange"]["get"]["responses"]["200"]["content"];
  EXPECT_EQ(keys(content), (std::vector<std::string>{"text/event-stream", "application/json",
                                                     "application/x-ndjson"}));
  for (const auto& media : content.GetObject()) {
    const auto& schema = media.value["schema"];
    EXPECT_FALSE(schema.HasMember("$schema")) << media.name.GetString();
    EXPECT_FALSE(schema.HasMember("$id"));
    EXPECT_FALSE(schema.HasMember("examples"));
    EXPECT_STREQ(schema["title"].GetString(), "mediawiki/recentchange");
    EXPECT_TRUE(schema["properties"].HasMember("bot"));
    EXPECT_EQ(text(media.value["example"]), R"({"type":"edit","bot":false})");
  }
  // The alias has no schema of its own in the inputs: no example, the generic schema.
  const auto& alias = doc["paths"]["/v2/stream/recentchange"]["get"]["responses"]["200"]["content"];
  EXPECT_FALSE(alias["application/json"].HasMember("example"));
  EXPECT_FALSE(alias["application/json"]["schema"].HasMember("properties"));
}

TEST(OpenApiSpec, SchemaWithoutExamplesGetsNoExampleAndABadSchemaIsLeftOut) {
  SpecInputs inputs;
  inputs.schemas["alpha"] = R"({"type": "object", "properties": {"a": {"type": "integer"}}})";
  inputs.schemas["zeta"] = "[1, 2]";
  const auto doc = build(inputs);
  const auto& alpha = doc["paths"]["/v2/stream/alpha"]["get"]["responses"]["200"]["content"];
  EXPECT_TRUE(alpha["application/json"]["schema"]["properties"].HasMember("a"));
  EXPECT_FALSE(alpha["application/json"].HasMember("example"));
  const auto& zeta = doc["paths"]["/v2/stream/zeta"]["get"]["responses"]["200"]["content"];
  EXPECT_STREQ(zeta["application/json"]["schema"]["type"].GetString(), "object");
  EXPECT_FALSE(zeta["application/json"]["schema"].HasMember("properties"));
}

TEST(OpenApiSpec, MonitoringRoutesCarryXAmples) {
  SpecInputs inputs;
  inputs.version = "1.2.3";
  const auto doc = build(inputs);
  const auto& paths = doc["paths"];
  for (const char* route :
       {"/", "/_info", "/_info/name", "/_info/version", "/robots.txt", "/healthz", "/metrics"}) {
    ASSERT_TRUE(paths.HasMember(route)) << route;
    const auto& get = paths[route]["get"];
    ASSERT_TRUE(get["x-amples"].IsArray()) << route;
    EXPECT_FALSE(get["x-amples"].Empty()) << route;
    EXPECT_FALSE(get.HasMember("x-monitor")) << route;
    for (const auto& ex : get["x-amples"].GetArray()) {
      EXPECT_TRUE(ex["title"].IsString()) << route;
      EXPECT_TRUE(ex["response"]["status"].IsInt()) << route;
    }
  }
  const auto& info = paths["/_info"]["get"]["x-amples"][0]["response"];
  EXPECT_STREQ(info["headers"]["content-type"].GetString(), "application/json");
  EXPECT_EQ(keys(info["body"]),
            (std::vector<std::string>{"name", "description", "version", "home"}));
  EXPECT_STREQ(info["body"]["name"].GetString(), "/.+/");
  const auto& root = paths["/"]["get"]["x-amples"];
  EXPECT_STREQ(root[0]["request"]["query"]["spec"].GetString(), "true");
  EXPECT_EQ(root[0]["response"]["status"].GetInt(), 200);
  EXPECT_STREQ(root[1]["request"]["query"]["doc"].GetString(), "true");
  EXPECT_STREQ(root[1]["response"]["headers"]["content-type"].GetString(), "text/html");
}

TEST(OpenApiSpec, EmptyInfoFieldsExpectEmptyAnswers) {
  config::AppConfig c = app_config();
  c.info_home.clear();
  const std::string out = build_openapi_spec(c, catalog_of(kStreams), {});
  rapidjson::Document doc;
  doc.Parse(out.c_str());
  EXPECT_FALSE(doc.HasMember("externalDocs"));
  EXPECT_STREQ(doc["paths"]["/_info"]["get"]["x-amples"][0]["response"]["body"]["home"].GetString(),
               "/^$/");
  EXPECT_STREQ(doc["info"]["version"].GetString(), "unknown");
}

}  // namespace
}  // namespace eventstreams::http::openapi
