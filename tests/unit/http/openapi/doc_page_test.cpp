// The page of GET /?doc (doc_page.h): rendered from the spec, escaped, no script.
#include "http/openapi/doc_page.h"

#include <gtest/gtest.h>

#include "http/openapi/openapi_spec.h"

namespace eventstreams::http::openapi {
namespace {

std::string page() {
  const auto config = config::parse_app_config(YAML::Load(R"(
stream_config_uri: s.yaml
kafka: {embedded: true}
name: "<b>streams</b>"
description: "Events & more"
)"),
                                               "/etc");
  const auto catalog = config::build_stream_catalog(
      YAML::Load("rc: {topics: [t], description: \"Recent <changes>\", schema_title: mw/rc}\n"
                 "other: {topics: [u]}\n"),
      "", YAML::Node(), std::nullopt, "t");
  SpecInputs inputs;
  inputs.version = "9.9.9";
  inputs.schemas["rc"] = R"({"type":"object","properties":{"title":{"type":"string"}},
                            "examples":[{"title":"Main_Page"}]})";
  return render_doc_page(build_openapi_spec(config, catalog, inputs));
}

TEST(DocPage, ShowsEveryPathWithItsParametersAndSchema) {
  const std::string html = page();
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* needle :
       {"<code>/v2/stream/{streams}</code>", "<code>/v2/stream/rc</code>",
        "<code>/v2/stream/other</code>", "<code>/_info</code>", "rc events",
        "<p>Schema title: mw/rc</p>", "<code>Last-Event-ID</code>", "<code>since</code>",
        "<li><code>other</code></li><li><code>rc</code></li>", "Event schema", "Main_Page", "9.9.9",
        "href=\"/?spec\"", "href=\"/doc.css\""}) {
    EXPECT_NE(html.find(needle), std::string::npos) << needle;
  }
}

TEST(DocPage, EscapesWhatTheConfigSaysAndHasNoScript) {
  const std::string html = page();
  EXPECT_NE(html.find("&lt;b&gt;streams&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("Events &amp; more"), std::string::npos);
  EXPECT_NE(html.find("Recent &lt;changes&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(DocPage, ADocumentThatDoesNotParseSaysSo) {
  EXPECT_NE(render_doc_page("{nope").find("not available"), std::string::npos);
  EXPECT_NE(doc_stylesheet().find("body{"), std::string::npos);
}

}  // namespace
}  // namespace eventstreams::http::openapi
