// Issue 12, item 6: U+0085, U+2028 and U+2029 are written as escapes, so that a client that
// splits an SSE data: line where Python's str.splitlines() does (sseclient, and so pywikibot)
// still gets the event's JSON in one piece.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "pipeline/meta_rewriter.h"

namespace eventstreams::pipeline {
namespace {

constexpr std::string_view kNel = "\xC2\x85";
constexpr std::string_view kLineSeparator = "\xE2\x80\xA8";
constexpr std::string_view kParagraphSeparator = "\xE2\x80\xA9";

std::string rewrite(std::string_view input, const std::string_view* key = nullptr) {
  std::string out;
  EXPECT_TRUE(rewrite_event(input, MetaFields{"t", 0, 1, key}, out)) << input;
  return out;
}

// The code points of valid UTF-8 `s` (the tests only feed it valid text).
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += n;
  }
  return out;
}

// Python's str.splitlines(): \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, \x85, \u2028, \u2029.
std::vector<std::string> python_splitlines(std::string_view utf8) {
  std::vector<std::string> lines(1);
  std::size_t i = 0;
  for (const char32_t c : code_points(utf8)) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    const bool breaks = c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x1C ||
                        c == 0x1D || c == 0x1E || c == 0x85 || c == 0x2028 || c == 0x2029;
    if (breaks) {
      lines.emplace_back();
    } else {
      lines.back().append(utf8.substr(i, n));
    }
    i += n;
  }
  return lines;
}

std::string string_member(const std::string& json, const char* name) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  if (doc.HasParseError() || !doc.HasMember(name)) return {};
  return std::string(doc[name].GetString(), doc[name].GetStringLength());
}

TEST(LineSeparators, AreEscapedInValues) {
  const std::string in = std::string(R"({"a":"x)") + std::string(kLineSeparator) + "y" +
                         std::string(kParagraphSeparator) + std::string(kNel) + R"(z"})";
  EXPECT_EQ(rewrite(in), R"({"a":"x\u2028y\u2029\u0085z","meta":{"topic":"t","partition":0,)"
                         R"("offset":1}})");
}

TEST(LineSeparators, AreEscapedInNamesNestedValuesAndTheKey) {
  const std::string sep(kLineSeparator);
  const std::string key = "k" + std::string(kNel);
  const std::string_view key_view = key;
  const std::string out =
      rewrite(R"({"n)" + sep + R"(":[{"deep":")" + sep + sep + R"("}],"meta":{"x":1}})", &key_view);
  EXPECT_EQ(out, R"({"n\u2028":[{"deep":"\u2028\u2028"}],"meta":{"x":1,"topic":"t",)"
                 R"("partition":0,"offset":1,"key":"k\u0085"}})");
}

TEST(LineSeparators, OtherCharactersOfTheSameBlocksAreKept) {
  // U+2014 (em dash), U+2027, U+202A and U+0084, U+00A0 share lead bytes with the separators.
  const std::string in =
      "{\"a\":\"\xE2\x80\x94\xE2\x80\xA7\xE2\x80\xAA\xC2\x84\xC2\xA0\xE2\x81\xA8\"}";
  const std::string out = rewrite(in);
  EXPECT_EQ(out.substr(0, in.size() - 1), in.substr(0, in.size() - 1));
}

TEST(LineSeparators, AnEventSplitLikePythonsSplitlinesStillParses) {
  const std::string text = "Line one" + std::string(kLineSeparator) + "two" +
                           std::string(kParagraphSeparator) + "three" + std::string(kNel) +
                           "four — «quoted» 東京";
  const std::string in = R"({"comment":")" + text + R"(","title":")" + std::string(kNel) + R"("})";
  // Before: the raw text breaks into five pieces, none of them JSON.
  ASSERT_EQ(python_splitlines(in).size(), 5u);
  const std::string out = rewrite(in);
  const auto lines = python_splitlines(out);
  ASSERT_EQ(lines.size(), 1u) << out;
  EXPECT_EQ(string_member(lines[0], "comment"), text);
  EXPECT_EQ(string_member(lines[0], "title"), kNel);
}

TEST(LineSeparators, SeparatorsCutByTheBlockScanBoundaryAreStillFound) {
  // Put the separator at every offset of the first 40 bytes, across the 16-byte SSE2 blocks.
  for (std::size_t pad = 0; pad < 40; ++pad) {
    const std::string in =
        R"({"a":")" + std::string(pad, 'x') + std::string(kParagraphSeparator) + R"("})";
    const std::string out = rewrite(in);
    EXPECT_NE(out.find(R"(\u2029)"), std::string::npos) << pad;
    EXPECT_EQ(out.find(kParagraphSeparator), std::string::npos) << pad;
  }
}

}  // namespace
}  // namespace eventstreams::pipeline
