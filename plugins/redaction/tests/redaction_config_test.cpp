#include "redaction_config.h"

#include <gtest/gtest.h>

#include <string>

namespace eventstreams::redaction {
namespace {

RedactionConfig parse_ok(const std::string& json) {
  std::string error;
  auto config = parse_config(json, error);
  EXPECT_TRUE(config.has_value()) << error;
  return config ? std::move(*config) : RedactionConfig{};
}

// The error for `json`, which must be refused.
std::string parse_error(const std::string& json) {
  std::string error;
  auto config = parse_config(json, error);
  EXPECT_FALSE(config.has_value()) << json;
  EXPECT_EQ(error.rfind("redaction config: ", 0), 0u) << error;
  return error;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST(RedactionConfig, EmptyMeansNoPagesAndDefaultRules) {
  // A null map is YAML's `mediawiki_redacted_pages:` with nothing under it.
  for (const char* json : {"", "  ", "null", "{}", R"({"mediawiki_redacted_pages":null})"}) {
    const auto config = parse_ok(json);
    EXPECT_TRUE(config.pages.empty()) << json;
    EXPECT_EQ(config.rules.size(), 3u);
    EXPECT_EQ(config.max_log_lines_per_second, 10u);
  }
}

TEST(RedactionConfig, DefaultRulesAreSpecSection3) {
  const auto rules = default_rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].stream, "mediawiki.page_change.v1");
  EXPECT_EQ(rules[0].title_paths, (std::vector<Path>{{"page", "page_title"}}));
  EXPECT_EQ(rules[0].empty, (std::vector<Path>{{"performer"}}));
  EXPECT_EQ(rules[0].remove,
            (std::vector<Path>{{"revision", "editor"}, {"prior_state", "revision", "editor"}}));
  EXPECT_EQ(rules[1].stream, "mediawiki.recentchange");
  EXPECT_EQ(rules[1].title_paths, (std::vector<Path>{{"title"}}));
  EXPECT_EQ(rules[1].remove, (std::vector<Path>{{"user"}}));
  EXPECT_TRUE(rules[1].empty.empty());
  EXPECT_FALSE(rules[2].stream.has_value());
  EXPECT_EQ(rules[2].title_paths, (std::vector<Path>{{"page_title"}, {"page", "page_title"}}));
  EXPECT_EQ(rules[2].remove, (std::vector<Path>{{"performer"}}));
}

TEST(RedactionConfig, PagesAreNormalisedPerDomain) {
  const auto config = parse_ok(
      R"({"mediawiki_redacted_pages":{"en.wikipedia.org":["Redact this","  Other__page "],
          "de.wikipedia.org":[]}})");
  ASSERT_EQ(config.pages.size(), 2u);
  const auto& en = config.pages.at("en.wikipedia.org");
  EXPECT_EQ(en.size(), 2u);
  EXPECT_TRUE(en.count("redact_this"));
  EXPECT_TRUE(en.count("other_page"));
  EXPECT_TRUE(config.pages.at("de.wikipedia.org").empty());
  EXPECT_EQ(config.title_count(), 2u);
}

TEST(RedactionConfig, ScalarEntriesBecomeTheirText) {
  // YAML `- false`, `- 404`, `- 1.50`, `- true` arrive as JSON scalars.
  const auto config =
      parse_ok(R"({"mediawiki_redacted_pages":{"w":[false, 404, 1.50, true, -7, 1e3]}})");
  const auto& w = config.pages.at("w");
  for (const char* t : {"false", "404", "1.50", "true", "-7", "1e3"}) {
    EXPECT_TRUE(w.count(t)) << t;
  }
}

TEST(RedactionConfig, CustomRulesReplaceTheDefaults) {
  const auto config = parse_ok(R"({"rules":[
      {"stream":"s","title_paths":["a.title","t"],"remove":["who","a.by"],"empty":["x.y"]},
      {"title_paths":["t"],"empty":["e"]}],
      "max_log_lines_per_second":0})");
  ASSERT_EQ(config.rules.size(), 2u);
  EXPECT_EQ(config.rules[0].stream, "s");
  EXPECT_EQ(config.rules[0].title_paths, (std::vector<Path>{{"a", "title"}, {"t"}}));
  EXPECT_EQ(config.rules[0].remove, (std::vector<Path>{{"who"}, {"a", "by"}}));
  EXPECT_EQ(config.rules[0].empty, (std::vector<Path>{{"x", "y"}}));
  EXPECT_FALSE(config.rules[1].stream.has_value());
  EXPECT_TRUE(config.rules[1].remove.empty());
  EXPECT_EQ(config.max_log_lines_per_second, 0u);
}

TEST(RedactionConfig, ErrorsNameTheKey) {
  EXPECT_CONTAINS(parse_error(R"({"bogus":1})"), R"(unknown key "bogus")");
  EXPECT_CONTAINS(parse_error(R"({"bogus":1})"), "known keys: mediawiki_redacted_pages");
  EXPECT_CONTAINS(parse_error("[1]"), "expected a JSON object, got an array");
  EXPECT_CONTAINS(parse_error("{"), "invalid JSON at offset");
  EXPECT_CONTAINS(parse_error(R"({"mediawiki_redacted_pages":["a"]})"),
                  R"("mediawiki_redacted_pages" must be a map, got an array)");
  EXPECT_CONTAINS(parse_error(R"({"mediawiki_redacted_pages":{"w":"a"}})"),
                  R"(mediawiki_redacted_pages["w"] must be a list of page titles, got a string)");
  EXPECT_CONTAINS(
      parse_error(R"({"mediawiki_redacted_pages":{"w":["a",null]}})"),
      R"(mediawiki_redacted_pages["w"][1] must be a page title (string, number or boolean), got null)");
  EXPECT_CONTAINS(parse_error(R"({"mediawiki_redacted_pages":{"w":[{"a":1}]}})"),
                  R"(mediawiki_redacted_pages["w"][0] must be a page title)");
  EXPECT_CONTAINS(parse_error(R"({"mediawiki_redacted_pages":{"w":[" _ "]}})"),
                  R"(mediawiki_redacted_pages["w"][0] is an empty title)");
  EXPECT_CONTAINS(parse_error(R"({"mediawiki_redacted_pages":{"":["a"]}})"),
                  "the domain must not be empty");
  EXPECT_CONTAINS(
      parse_error(R"({"max_log_lines_per_second":-1})"),
      R"("max_log_lines_per_second" must be a non-negative integer, got the number -1)");
  EXPECT_CONTAINS(parse_error(R"({"max_log_lines_per_second":"5"})"),
                  R"("max_log_lines_per_second" must be a non-negative integer, got a string)");
}

TEST(RedactionConfig, RuleErrorsNameTheRuleAndKey) {
  EXPECT_CONTAINS(parse_error(R"({"rules":{}})"), R"("rules" must be a list, got an object)");
  EXPECT_CONTAINS(parse_error(R"({"rules":[]})"), "rules must not be empty");
  EXPECT_CONTAINS(parse_error(R"({"rules":[1]})"), "rules[0] must be an object, got the number 1");
  EXPECT_CONTAINS(
      parse_error(
          R"({"rules":[{"title_paths":["t"],"remove":["u"]},{"title_paths":["t"],"remove":["u"],"extra":1}]})"),
      R"(rules[1]: unknown key "extra")");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_path":["t"],"remove":["u"]}]})"),
                  R"(rules[0]: unknown key "title_path" (did you mean "title_paths"?))");
  EXPECT_CONTAINS(
      parse_error(R"({"max_log_line_per_second":1})"),
      R"(unknown key "max_log_line_per_second" (did you mean "max_log_lines_per_second"?))");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"remove":["u"]}]})"),
                  "rules[0].title_paths is required");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":[],"remove":["u"]}]})"),
                  "rules[0].title_paths must not be empty");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":"t","remove":["u"]}]})"),
                  "rules[0].title_paths must be a list of dotted paths, got a string");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":["t"],"remove":[5]}]})"),
                  "rules[0].remove[0] must be a dotted path string, got the number 5");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":["t"],"remove":["a..b"]}]})"),
                  R"(rules[0].remove[0] must be a dotted path of non-empty names, got "a..b")");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":["t"],"empty":[""]}]})"),
                  R"(rules[0].empty[0] must be a dotted path of non-empty names, got "")");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":["t"],"stream":true,"remove":["u"]}]})"),
                  "rules[0].stream must be a non-empty string, got a boolean");
  EXPECT_CONTAINS(parse_error(R"({"rules":[{"title_paths":["t"]}]})"),
                  R"(rules[0] has nothing to do: give "remove" or "empty" paths)");
  EXPECT_CONTAINS(
      parse_error(R"({"rules":[{"title_paths":["t"],"remove":["a.b"],"empty":["a.b"]}]})"),
      R"(rules[0]: path "a.b" is in both "remove" and "empty")");
}

TEST(RedactionConfig, SplitAndJoinPaths) {
  EXPECT_EQ(split_path("a"), (Path{"a"}));
  EXPECT_EQ(split_path("a.b.c"), (Path{"a", "b", "c"}));
  EXPECT_TRUE(split_path("").empty());
  EXPECT_TRUE(split_path(".a").empty());
  EXPECT_TRUE(split_path("a.").empty());
  EXPECT_EQ(join_path({"a", "b"}), "a.b");
}

TEST(RedactionConfig, HundredThousandTitles) {
  std::string json = R"({"mediawiki_redacted_pages":{"w":[)";
  for (int i = 0; i < 100000; ++i) {
    if (i) json += ',';
    json += "\"Page " + std::to_string(i) + "\"";
  }
  json += "]}}";
  const auto config = parse_ok(json);
  EXPECT_EQ(config.pages.at("w").size(), 100000u);
  EXPECT_TRUE(config.pages.at("w").count("page_99999"));
}

}  // namespace
}  // namespace eventstreams::redaction
