// Where stream schemas come from (stream_schemas.h): the original's order, schema_base_uris in
// turn, one fetch per location, unreachable bases skipped, failures reported.
#include "http/openapi/stream_schemas.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace eventstreams::http::openapi {
namespace {

config::AppConfig app_config(const std::string& extra = "") {
  return config::parse_app_config(
      YAML::Load("stream_config_uri: streams.yaml\nkafka: {embedded: true}\n" + extra), "/etc/es");
}

config::StreamCatalog catalog_of(const std::string& yaml) {
  return config::build_stream_catalog(YAML::Load(yaml), "", YAML::Node(), std::nullopt, "t");
}

// A fetcher answering from a map; a URI starting with an unreachable prefix is unreachable.
struct FakeFetcher {
  std::map<std::string, std::string> documents;
  std::set<std::string> unreachable_prefixes;
  std::vector<std::string> asked;

  SchemaFetcher fetcher() {
    return [this](const std::string& uri) {
      asked.push_back(uri);
      FetchResult r;
      for (const auto& prefix : unreachable_prefixes) {
        if (uri.rfind(prefix, 0) == 0) {
          r.unreachable = true;
          r.error = uri + ": refused";
          return r;
        }
      }
      auto it = documents.find(uri);
      if (it == documents.end()) {
        r.error = uri + ": HTTP 404";
        return r;
      }
      r.ok = true;
      r.body = it->second;
      return r;
    };
  }
};

TEST(StreamSchemas, InlineSchemaWinsOverSchemaUriAndNeedsNoFetch) {
  FakeFetcher f;
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [http://s]\nschema_latest_version: latest\n"), catalog_of(R"(
a:
  topics: [t]
  $schema: /a/1.0.0
  schema_title: a
  schema: {title: inline, type: object, examples: [{x: 1}]}
)"),
      f.fetcher());
  EXPECT_TRUE(f.asked.empty());
  EXPECT_EQ(result.by_stream.at("a"), R"({"title":"inline","type":"object","examples":[{"x":1}]})");
  EXPECT_TRUE(result.problems.empty());
}

TEST(StreamSchemas, SchemaUriWinsOverTitleAndLatestVersion) {
  FakeFetcher f;
  f.documents["http://s/a/1.0.0"] = R"({"title":"from $schema"})";
  f.documents["http://s/a/latest"] = R"({"title":"from title"})";
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [http://s]\nschema_latest_version: latest\n"),
      catalog_of("a: {topics: [t], $schema: /a/1.0.0, schema_title: a}\n"
                 "b: {topics: [t], schema_title: a}\n"
                 "c: {topics: [t]}\n"),
      f.fetcher());
  EXPECT_EQ(result.by_stream.at("a"), R"({"title":"from $schema"})");
  EXPECT_EQ(result.by_stream.at("b"), R"({"title":"from title"})");
  EXPECT_FALSE(result.by_stream.count("c"));  // nothing to look for is not a problem
  EXPECT_TRUE(result.problems.empty());
}

TEST(StreamSchemas, TitleAloneNeedsSchemaLatestVersion) {
  FakeFetcher f;
  f.documents["http://s/a/latest"] = R"({"title":"from title"})";
  const auto result =
      resolve_stream_schemas(app_config("schema_base_uris: [http://s]\n"),
                             catalog_of("b: {topics: [t], schema_title: a}\n"), f.fetcher());
  EXPECT_TRUE(result.by_stream.empty());
  EXPECT_TRUE(f.asked.empty());
}

TEST(StreamSchemas, BasesAreTriedInTurnAndTheFirstThatAnswersWins) {
  FakeFetcher f;
  f.documents["/schemas/b/1"] = R"({"title":"second base"})";
  f.documents["http://third/b/1"] = R"({"title":"third base"})";
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [\"http://first/\", /schemas, http://third]\n"),
      catalog_of("b: {topics: [t], $schema: /b/1}\n"), f.fetcher());
  EXPECT_EQ(result.by_stream.at("b"), R"({"title":"second base"})");
  EXPECT_EQ(f.asked, (std::vector<std::string>{"http://first/b/1", "/schemas/b/1"}));
}

TEST(StreamSchemas, AnAbsoluteSchemaUriIsFetchedAsIs) {
  FakeFetcher f;
  f.documents["http://elsewhere/x.json"] = R"({"title":"x"})";
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [http://s]\n"),
      catalog_of("x: {topics: [t], $schema: \"http://elsewhere/x.json\"}\n"), f.fetcher());
  EXPECT_EQ(result.by_stream.at("x"), R"({"title":"x"})");
  EXPECT_EQ(f.asked, (std::vector<std::string>{"http://elsewhere/x.json"}));
}

TEST(StreamSchemas, EachLocationIsFetchedOnceAndAliasesShareIt) {
  FakeFetcher f;
  f.documents["http://s/rc/1"] = R"({"title":"rc"})";
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [http://s]\n"),
      catalog_of("rc: {topics: [t], $schema: /rc/1, stream_aliases: [recentchange]}\n"
                 "rc2: {topics: [u], $schema: /rc/1}\n"),
      f.fetcher());
  EXPECT_EQ(f.asked.size(), 1u);
  EXPECT_EQ(result.by_stream.size(), 3u);
  EXPECT_EQ(result.by_stream.at("recentchange"), R"({"title":"rc"})");
}

TEST(StreamSchemas, AnUnreachableBaseIsSkippedForTheRestOfTheBuild) {
  FakeFetcher f;
  f.unreachable_prefixes = {"http://down"};
  f.documents["http://up/a/1"] = R"({"title":"a"})";
  f.documents["http://up/b/1"] = R"({"title":"b"})";
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [http://down, http://up]\n"),
      catalog_of("a: {topics: [t], $schema: /a/1}\nb: {topics: [t], $schema: /b/1}\n"),
      f.fetcher());
  EXPECT_EQ(result.by_stream.size(), 2u);
  EXPECT_EQ(f.asked,
            (std::vector<std::string>{"http://down/a/1", "http://up/a/1", "http://up/b/1"}));
}

TEST(StreamSchemas, YamlDocumentsAreConvertedAndNonObjectsRefused) {
  FakeFetcher f;
  f.documents["http://s/y/1"] = "title: yaml schema\ntype: object\nexamples:\n  - {n: 1}\n";
  f.documents["http://s/list/1"] = "[1, 2]";
  f.documents["http://s/junk/1"] = "{ not: [json";
  const auto result = resolve_stream_schemas(
      app_config("schema_base_uris: [http://s]\n"),
      catalog_of("y: {topics: [t], $schema: /y/1}\nl: {topics: [t], $schema: /list/1}\n"
                 "j: {topics: [t], $schema: /junk/1}\nm: {topics: [t], $schema: /missing/1}\n"),
      f.fetcher());
  EXPECT_EQ(result.by_stream.at("y"),
            R"({"title":"yaml schema","type":"object","examples":[{"n":1}]})");
  EXPECT_EQ(result.by_stream.size(), 1u);
  ASSERT_EQ(result.problems.size(), 3u);
  // Sorted by stream: j, l, m.
  EXPECT_NE(result.problems[0].find("stream 'j'"), std::string::npos) << result.problems[0];
  EXPECT_NE(result.problems[1].find("not a JSON or YAML object"), std::string::npos);
  EXPECT_NE(result.problems[2].find("http://s/missing/1: HTTP 404"), std::string::npos)
      << result.problems[2];
}

TEST(StreamSchemas, ARelativeLocationWithoutBasesIsAProblem) {
  FakeFetcher f;
  const auto result = resolve_stream_schemas(
      app_config(), catalog_of("a: {topics: [t], $schema: /a/1}\n"), f.fetcher());
  EXPECT_TRUE(result.by_stream.empty());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].find("needs schema_base_uris"), std::string::npos);
}

TEST(StreamSchemas, JoinLocationPutsOneSlash) {
  EXPECT_EQ(join_location("http://s/", "/a"), "http://s/a");
  EXPECT_EQ(join_location("http://s", "/a"), "http://s/a");
  EXPECT_EQ(join_location("http://s/", "a"), "http://s/a");
  EXPECT_EQ(join_location("http://s", "a"), "http://s/a");
}

}  // namespace
}  // namespace eventstreams::http::openapi
