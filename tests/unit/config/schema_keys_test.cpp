// The app config keys for the OpenAPI spec's schemas (issue 9 item 1): schema_base_uris,
// schema_latest_version, schema_uri_options.headers.
#include <gtest/gtest.h>

#include "config/app_config.h"
#include "config/config_error.h"

namespace eventstreams::config {
namespace {

AppConfig parse(const std::string& extra) {
  return parse_app_config(YAML::Load("stream_config_uri: s.yaml\nkafka: {}\n" + extra), "/etc/es");
}

std::string error_of(const std::string& extra) {
  try {
    parse(extra);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(SchemaKeys, DefaultsAreEmpty) {
  const AppConfig c = parse("");
  EXPECT_TRUE(c.schema_base_uris.empty());
  EXPECT_TRUE(c.schema_latest_version.empty());
  EXPECT_TRUE(c.schema_uri_headers.empty());
}

TEST(SchemaKeys, BaseUrisKeepUrlsAndResolveRelativePaths) {
  const AppConfig c = parse(
      "schema_base_uris: [\"http://schema.local/repo\", schemas, /abs/schemas, "
      "\"file:///x\"]\nschema_latest_version: latest\n");
  EXPECT_EQ(c.schema_base_uris,
            (std::vector<std::string>{"http://schema.local/repo", "/etc/es/schemas", "/abs/schemas",
                                      "file:///x"}));
  EXPECT_EQ(c.schema_latest_version, "latest");
}

TEST(SchemaKeys, UriOptionsHeaders) {
  const AppConfig c = parse("schema_uri_options: {headers: {User-Agent: es, Host: schema.org}}\n");
  EXPECT_EQ(c.schema_uri_headers,
            (std::map<std::string, std::string>{{"Host", "schema.org"}, {"User-Agent", "es"}}));
}

TEST(SchemaKeys, WrongShapesNameTheKey) {
  EXPECT_EQ(error_of("schema_base_uris: http://x\n"),
            "config key 'schema_base_uris': expected a list of strings, got a scalar");
  EXPECT_EQ(error_of("schema_latest_version: [1]\n"),
            "config key 'schema_latest_version': expected a string, got a list");
  EXPECT_EQ(error_of("schema_uri_options: {timeout: 5}\n"),
            "config key 'schema_uri_options.timeout': unknown key (only 'headers' is supported)");
  EXPECT_EQ(error_of("schema_uri_options: {headers: [a]}\n"),
            "config key 'schema_uri_options.headers': expected a map of header name to value");
  EXPECT_EQ(error_of("schema_uri_options: {headers: {A: [b]}}\n"),
            "config key 'schema_uri_options.headers.A': expected a string, got a list");
}

}  // namespace
}  // namespace eventstreams::config
