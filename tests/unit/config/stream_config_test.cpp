// Stream catalog (SPEC 1): regex names and topic-less streams ignored, aliases, defaults,
// allowed_streams, object path, sorted names, errors.
#include "config/stream_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "config/config_error.h"

namespace eventstreams::config {
namespace {

StreamCatalog build(const std::string& yaml, const std::string& path = "",
                    const std::string& defaults = "",
                    std::optional<std::vector<std::string>> allowed = std::nullopt) {
  return build_stream_catalog(YAML::Load(yaml), path,
                              defaults.empty() ? YAML::Node() : YAML::Load(defaults), allowed,
                              "test.yaml");
}

std::vector<std::string> names(const StreamCatalog& c) {
  std::vector<std::string> out;
  for (const auto& [n, d] : c.streams) out.push_back(n);
  return out;
}

TEST(StreamConfig, MinimalConfig) {
  const auto c = build(R"(
edits:
  topics: [datacenter1.edit, datacenter2.edit]
single-topic-stream:
  topics: [topicA]
)");
  EXPECT_EQ(names(c), (std::vector<std::string>{"edits", "single-topic-stream"}));
  EXPECT_EQ(c.find("edits")->topics,
            (std::vector<std::string>{"datacenter1.edit", "datacenter2.edit"}));
  EXPECT_EQ(c.find("edits")->description, "edits events.");
  EXPECT_EQ(c.all_topics(),
            (std::vector<std::string>{"datacenter1.edit", "datacenter2.edit", "topicA"}));
}

TEST(StreamConfig, RegexNamesAndTopiclessStreamsAreIgnored) {
  const auto c = build(R"(
"/^mediawiki\\..*/": {topics: [x]}
no-topics: {description: nothing}
empty-topics: {topics: []}
ok: {topics: [t]}
)");
  EXPECT_EQ(names(c), (std::vector<std::string>{"ok"}));
}

TEST(StreamConfig, AliasesExposeTheSameStream) {
  const auto c =
      build("mediawiki.recentchange: {topics: [a, b], stream_aliases: [recentchange]}\n");
  EXPECT_EQ(names(c), (std::vector<std::string>{"mediawiki.recentchange", "recentchange"}));
  EXPECT_EQ(c.find("recentchange")->topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*c.find("recentchange")->alias_of, "mediawiki.recentchange");
  EXPECT_NE(c.find("recentchange")->description.find("alias"), std::string::npos);
}

TEST(StreamConfig, ObjectPathDefaultsAndAllowed) {
  const auto c = build(R"(
data:
  streams:
    b: {topics: [tb]}
    a: {topics: [ta], description: own}
    c: {topics: [tc]}
)",
                       "data.streams", "{description: shared, schema_title: s}",
                       std::vector<std::string>{"a", "b"});
  EXPECT_EQ(names(c), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.find("a")->description, "own");
  EXPECT_EQ(c.find("b")->description, "shared");
  EXPECT_EQ(c.find("b")->schema_title, "s");
}

// As the original: allowed_streams names streams; an allowed one brings its aliases, and an
// alias alone exposes nothing (found by fuzz_stream_config: an alias outlived its stream).
TEST(StreamConfig, AllowedStreamsBringTheirAliases) {
  const auto c =
      build("a: {topics: [ta], stream_aliases: [aa]}\nb: {topics: [tb], stream_aliases: [bb]}\n",
            "", "", std::vector<std::string>{"a", "bb"});
  EXPECT_EQ(names(c), (std::vector<std::string>{"a", "aa"}));
  EXPECT_EQ(*c.find("aa")->alias_of, "a");
}

TEST(StreamConfig, DefaultsCanSupplyTopics) {
  const auto c = build("a: {}\nb: {topics: [own]}\n", "", "{topics: [shared]}");
  EXPECT_EQ(c.find("a")->topics, (std::vector<std::string>{"shared"}));
  EXPECT_EQ(c.find("b")->topics, (std::vector<std::string>{"own"}));
}

TEST(StreamConfig, NoStreamLeftIsAnError) {
  EXPECT_THROW(build("a: {description: x}\n"), ConfigError);
  EXPECT_THROW(build("a: {topics: [t]}\n", "", "", std::vector<std::string>{"b"}), ConfigError);
  EXPECT_THROW(build("a: {topics: [t]}\n", "missing.path"), ConfigError);
  EXPECT_THROW(build("[1, 2]\n"), ConfigError);
}

TEST(StreamConfig, LoadsFromFileAndNamesUnreadableFile) {
  const std::string path = ::testing::TempDir() + "streams_test.json";
  std::ofstream(path) << R"({"s": {"topics": ["t1"]}})";
  AppConfig app;
  app.stream_config_uri = path;
  EXPECT_EQ(load_stream_catalog(app).find("s")->topics, (std::vector<std::string>{"t1"}));
  app.stream_config_uri = "/nonexistent/streams.yaml";
  try {
    load_stream_catalog(app);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/streams.yaml"), std::string::npos);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace eventstreams::config
