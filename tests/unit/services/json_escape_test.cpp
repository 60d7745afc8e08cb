// The one JSON string escaper (plugin-api/include/eventstreams/json_escape.h), which
// services/json_text.h and the plugins use: its escapes, and its policy for invalid UTF-8.
#include "eventstreams/json_escape.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <random>
#include <string>

#include "services/json_text.h"

namespace eventstreams {
namespace {

TEST(JsonEscape, QuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json::quote(R"(say "hi" \ bye)"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(json::quote("a\nb\rc\td\be\ff"), R"("a\nb\rc\td\be\ff")");
  EXPECT_EQ(json::quote(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(json::quote("\x7f"), "\"\x7f\"");  // DEL is allowed raw
  EXPECT_EQ(json::quote(""), R"("")");
}

TEST(JsonEscape, ValidUtf8GoesThroughUnchanged) {
  const std::string text =
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf \xf4\x8f\xbf\xbf";
  EXPECT_EQ(json::quote(text), "\"" + text + "\"");
  EXPECT_TRUE(json::is_valid_utf8(text));
}

TEST(JsonEscape, EachInvalidByteBecomesOneReplacementCharacter) {
  EXPECT_EQ(json::quote("a\xff"
                        "b"),
            R"("a\ufffdb")");
  EXPECT_EQ(json::quote("\x80\x80"), R"("\ufffd\ufffd")");            // lone continuations
  EXPECT_EQ(json::quote("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(json::quote("\xe0\x80\xaf"), R"("\ufffd\ufffd\ufffd")");  // overlong, 3 bytes
  EXPECT_EQ(json::quote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a UTF-16 surrogate
  EXPECT_EQ(json::quote("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(json::quote("\xe2\x82"), R"("\ufffd\ufffd")");    // cut short at the end
  EXPECT_EQ(json::quote("\xe2\x82x"), R"("\ufffd\ufffdx")");  // cut short
  EXPECT_FALSE(json::is_valid_utf8("\xc3"));
}

TEST(JsonEscape, LongPlainRunsAroundEscapes) {
  // Runs longer than one 8-byte step, with the byte to escape at every position of a word.
  for (std::size_t at = 0; at < 24; ++at) {
    std::string text(24, 'x');
    text[at] = '"';
    std::string want = "\"" + text.substr(0, at) + "\\\"" + text.substr(at + 1) + "\"";
    EXPECT_EQ(json::quote(text), want) << at;
  }
}

// Whatever the bytes, the output is one JSON string in valid UTF-8 that reads back as the
// input wherever the input was valid UTF-8 (RapidJSON, validating, is the judge).
TEST(JsonEscape, ArbitraryBytesAlwaysGiveValidJson) {
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  for (int round = 0; round < 5000; ++round) {
    std::string text(static_cast<std::size_t>(len(rng)), '\0');
    for (char& c : text) c = static_cast<char>(byte(rng));
    const std::string out = json::quote(text);
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.data(), out.size());
    ASSERT_FALSE(doc.HasParseError()) << out;
    ASSERT_TRUE(doc.IsString());
    if (json::is_valid_utf8(text)) {
      EXPECT_EQ(std::string(doc.GetString(), doc.GetStringLength()), text);
    }
  }
}

TEST(JsonEscape, HostHelpersAreTheSameEscaper) {
  const std::string text = "k\xff\"\n";
  std::string out;
  services::append_json_string(out, text);
  EXPECT_EQ(out, json::quote(text));
  EXPECT_EQ(services::json_string(text), json::quote(text));
}

}  // namespace
}  // namespace eventstreams
