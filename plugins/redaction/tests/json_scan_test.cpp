#include "json_scan.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::redaction::json {
namespace {

std::vector<std::string> keys_of(std::string_view text, std::size_t* end = nullptr) {
  std::vector<std::string> keys;
  const std::size_t e = for_each_member(text, skip_ws(text, 0), [&](const Member& m) {
    std::string k;
    decode_string(m.key, k);
    keys.push_back(k + "=" + std::string(text.substr(m.value_begin, m.value_end - m.value_begin)));
  });
  if (end) *end = e;
  return keys;
}

TEST(JsonScan, StringEndHandlesEscapedQuotesAndBackslashRuns) {
  EXPECT_EQ(string_end(R"("abc")", 0), 5u);
  EXPECT_EQ(string_end(R"("a\"b")", 0), 6u);
  EXPECT_EQ(string_end(R"("a\\")", 0), 5u);
  EXPECT_EQ(string_end(R"("a\\\"b")", 0), 8u);
  EXPECT_EQ(string_end(R"("")", 0), 2u);
  EXPECT_EQ(string_end(R"("abc)", 0), kNone);
  EXPECT_EQ(string_end(R"("a\")", 0), kNone);
  EXPECT_EQ(string_end("x", 0), kNone);
  EXPECT_EQ(string_end("", 0), kNone);
}

TEST(JsonScan, ValueEndSkipsEveryKindOfValue) {
  EXPECT_EQ(value_end("123,", 0), 3u);
  EXPECT_EQ(value_end("-1.5e+3}", 0), 7u);
  EXPECT_EQ(value_end("true", 0), 4u);
  EXPECT_EQ(value_end("null ]", 0), 4u);
  EXPECT_EQ(value_end(R"({"a":[1,{"b":"}]"}],"c":"\"{"},)", 0), 30u);
  EXPECT_EQ(value_end(R"([[],[[]],{}])", 0), 12u);
  EXPECT_EQ(value_end(R"({"a":1)", 0), kNone);
  EXPECT_EQ(value_end(R"({"a":"})", 0), kNone);
  EXPECT_EQ(value_end(",", 0), kNone);
  EXPECT_EQ(value_end("", 0), kNone);
}

TEST(JsonScan, MembersInOrderWithDuplicatesAndWhitespace) {
  std::size_t end = 0;
  const std::string text = R"( { "a" : 1 , "b":{"x":[1,2]},"a":"s", "c" : null } )";
  EXPECT_EQ(keys_of(text, &end),
            (std::vector<std::string>{"a=1", R"(b={"x":[1,2]})", R"(a="s")", "c=null"}));
  EXPECT_EQ(end, text.size() - 1);
  EXPECT_EQ(keys_of("{}", &end), std::vector<std::string>{});
  EXPECT_EQ(end, 2u);
  EXPECT_EQ(keys_of(R"({"k\u0065y":1})"), std::vector<std::string>{"key=1"});
}

TEST(JsonScan, MalformedObjectsEndWithKNone) {
  for (std::string_view bad : {R"({"a":1)", R"({"a" 1})", R"({"a":})", R"({a:1})", R"({"a":1,})",
                               R"({"a":1 "b":2})", R"([1])", "", "{", R"({"a)"}) {
    std::size_t end = 0;
    keys_of(bad, &end);
    EXPECT_EQ(end, kNone) << bad;
  }
}

TEST(JsonScan, DecodeStringHandlesEscapesAndSurrogates) {
  std::string out;
  EXPECT_TRUE(decode_string(R"(a\"b\\c\/d\b\f\n\r\t)", out));
  EXPECT_EQ(out, "a\"b\\c/d\b\f\n\r\t");
  out.clear();
  EXPECT_TRUE(decode_string(R"(\u00e9\u20AC\ud83d\ude00)", out));
  EXPECT_EQ(out, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  out.clear();
  EXPECT_TRUE(decode_string(R"(\ud800x\udc00)", out));  // lone surrogates
  EXPECT_EQ(out, "\xEF\xBF\xBDx\xEF\xBF\xBD");
  out.clear();
  EXPECT_TRUE(decode_string("plain UTF-8 \xC3\xA9", out));
  EXPECT_EQ(out, "plain UTF-8 \xC3\xA9");
  for (std::string_view bad : {R"(\x)", R"(\u12)", R"(\u12g4)", "\\"}) {
    out.clear();
    EXPECT_FALSE(decode_string(bad, out)) << bad;
  }
}

TEST(JsonScan, KeyEqualsDecodesEscapedKeys) {
  const std::string text = R"({"me\u0074a":1,"meta":2,"met":3})";
  std::vector<bool> eq;
  for_each_member(text, 0, [&](const Member& m) { eq.push_back(key_equals(m, "meta")); });
  EXPECT_EQ(eq, (std::vector<bool>{true, true, false}));
}

TEST(JsonScan, NeverReadsPastTheEnd) {
  // Every prefix of a valid text is scanned without fault (ASan would tell).
  const std::string text = R"({"a":"x\"y","b":[1,{"c":null}],"d":{"e":"\\"},"f":-1.5e3,"g":true})";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const std::string prefix = text.substr(0, n);
    std::size_t end = 0;
    keys_of(prefix, &end);
    if (n < text.size()) {
      EXPECT_EQ(end, kNone) << prefix;
    }
  }
}

}  // namespace
}  // namespace eventstreams::redaction::json
