#include "pipeline/meta_rewriter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapidjson_oracle.h"

namespace eventstreams::pipeline {
namespace {

using namespace std::literals;
using testing::expected_rewrite;
using testing::last_member;
using testing::load_fixtures;
using testing::parse;

constexpr std::string_view kTopic = "eqiad.mediawiki.recentchange";
// The members rewrite_event adds for kTopic, partition 7, offset 42 and no key.
const std::string kMeta = R"("topic":"eqiad.mediawiki.recentchange","partition":7,"offset":42)";

MetaFields fields(const std::string_view* key = nullptr) {
  return MetaFields{kTopic, 7, 42, key};
}

constexpr std::string_view kPrefix = "previous events|";

// Runs rewrite_event on a pre-filled `out` and checks the prefix is kept on success and the
// whole buffer untouched on failure. Returns what was appended, or nullopt on failure.
// The input is copied into a heap block of exactly its size, so that AddressSanitizer reports
// any read past its end (a std::string would hide one in its spare capacity or final NUL).
std::optional<std::string> rewrite(std::string_view input, const MetaFields& meta = fields()) {
  const std::unique_ptr<char[]> exact(new char[input.size()]);
  std::memcpy(exact.get(), input.data(), input.size());
  input = std::string_view(exact.get(), input.size());
  std::string out(kPrefix);
  if (!rewrite_event(input, meta, out)) {
    EXPECT_EQ(out, kPrefix) << "out changed on failure";
    return std::nullopt;
  }
  EXPECT_EQ(out.substr(0, kPrefix.size()), kPrefix);
  return out.substr(kPrefix.size());
}

// --- The sample events ----------------------------------------------------------------------

// Byte-for-byte against a RapidJSON DOM rewrite written back with its Writer (the fixtures
// hold nothing the Writer would re-encode differently: no escapes but \", integers only).
TEST(MetaRewriterFixtures, MatchTheRapidJsonDomRewrite) {
  const auto fixtures = load_fixtures();
  ASSERT_GE(fixtures.size(), 7u) << "fixtures in " ES_EVENT_FIXTURES_DIR;
  const std::string_view key = R"({"page_id":123})";
  for (const auto& [name, pretty] : fixtures) {
    SCOPED_TRACE(name);
    ASSERT_NE(pretty.find('\n'), std::string::npos) << "expected a pretty-printed fixture";
    const std::string compact = testing::write_compact(parse(pretty));
    for (const std::string_view* k : {static_cast<const std::string_view*>(nullptr), &key}) {
      const MetaFields meta = fields(k);
      const auto expected = expected_rewrite(pretty, meta);
      ASSERT_TRUE(expected.has_value());
      EXPECT_EQ(rewrite(pretty, meta), expected);
      EXPECT_EQ(rewrite(compact, meta), expected);
    }
  }
}

TEST(MetaRewriterFixtures, RecentchangeMetaIsRewrittenInPlace) {
  std::optional<std::string> out;
  for (const auto& [name, json] : load_fixtures()) {
    if (name == "recentchange.json") out = rewrite(json, MetaFields{"codfw.rc", 3, 99, nullptr});
  }
  ASSERT_TRUE(out.has_value());
  EXPECT_NE(out->find(R"("stream":"mediawiki.recentchange","topic":"codfw.rc","partition":3,)"
                      R"("offset":99},"id":1834567890,)"),
            std::string::npos)
      << *out;
}

// --- Placement of the meta fields -----------------------------------------------------------

TEST(MetaRewriter, ReplacesExistingMetaMembersInPlaceKeepingOrder) {
  EXPECT_EQ(
      rewrite(
          R"({"a":1,"meta":{"offset":1,"uri":"u","topic":"old","partition":9,"dt":"x"},"b":2})"),
      R"({"a":1,"meta":{"offset":42,"uri":"u","topic":"eqiad.mediawiki.recentchange","partition":7,"dt":"x"},"b":2})");
}

TEST(MetaRewriter, AppendsMissingMetaMembersInOrder) {
  EXPECT_EQ(
      rewrite(R"({"meta":{"dt":"x","partition":3},"z":0})"),
      R"({"meta":{"dt":"x","partition":7,"topic":"eqiad.mediawiki.recentchange","offset":42},"z":0})");
  const std::string_view key = "k1";
  EXPECT_EQ(
      rewrite(R"({"meta":{"offset":3}})", fields(&key)),
      R"({"meta":{"offset":42,"topic":"eqiad.mediawiki.recentchange","partition":7,"key":"k1"}})");
}

TEST(MetaRewriter, FillsAnEmptyMeta) {
  EXPECT_EQ(rewrite(R"({"meta":{}})"), "{\"meta\":{" + kMeta + "}}");
  EXPECT_EQ(rewrite(" { \"meta\" : { \n } } "), "{\"meta\":{" + kMeta + "}}");
}

TEST(MetaRewriter, AddsMetaAsLastMemberWhenAbsent) {
  EXPECT_EQ(rewrite(R"({"a":[1,2],"b":{"c":null}})"),
            R"({"a":[1,2],"b":{"c":null},"meta":{)" + kMeta + "}}");
  EXPECT_EQ(rewrite("{}"), "{\"meta\":{" + kMeta + "}}");
  EXPECT_EQ(rewrite(" {\n} "), "{\"meta\":{" + kMeta + "}}");
  const std::string_view key = "";
  EXPECT_EQ(rewrite("{}", fields(&key)), "{\"meta\":{" + kMeta + ",\"key\":\"\"}}");
}

TEST(MetaRewriter, OnlyTheTopLevelMetaCounts) {
  EXPECT_EQ(rewrite(R"({"x":{"meta":{"topic":"keep"}},"y":[{"meta":1}]})"),
            R"({"x":{"meta":{"topic":"keep"}},"y":[{"meta":1}],"meta":{)" + kMeta + "}}");
}

TEST(MetaRewriter, FailsWhenMetaIsNotAnObject) {
  for (const char* input :
       {R"({"meta":null})", R"({"meta":[]})", R"({"meta":[{}]})", R"({"meta":"x"})",
        R"({"meta":1})", R"({"meta":true})", R"({"a":1,"meta":false,"b":2})"}) {
    EXPECT_EQ(rewrite(input), std::nullopt) << input;
  }
}

TEST(MetaRewriter, DuplicatedMetaUsesTheLastOne) {
  // Every meta object is rewritten; whether the call succeeds depends on the last one.
  EXPECT_EQ(rewrite(R"({"meta":1,"meta":{}})"), R"({"meta":1,"meta":{)" + kMeta + "}}");
  EXPECT_EQ(rewrite(R"({"meta":{},"meta":null})"), std::nullopt);
  EXPECT_EQ(rewrite(R"({"meta":{"topic":"a"},"x":0,"meta":{"b":1}})"),
            R"({"meta":{"topic":"eqiad.mediawiki.recentchange","partition":7,"offset":42},"x":0,)"
            R"("meta":{"b":1,)" +
                kMeta + "}}");
}

TEST(MetaRewriter, DuplicatedFieldsInMetaAllGetTheValue) {
  EXPECT_EQ(
      rewrite(R"({"meta":{"offset":1,"topic":"a","offset":2}})"),
      R"({"meta":{"offset":42,"topic":"eqiad.mediawiki.recentchange","offset":42,"partition":7}})");
}

TEST(MetaRewriter, ReplacesValuesOfAnyKindButStillValidatesThem) {
  EXPECT_EQ(rewrite(R"({"meta":{"topic":{"deep":[1,{"x":"y"}]},"partition":[ ],"offset":"s"}})"),
            "{\"meta\":{" + kMeta + "}}");
  EXPECT_EQ(rewrite(R"({"meta":{"topic":[1,]}})"), std::nullopt);
  EXPECT_EQ(rewrite(R"({"meta":{"offset":01}})"), std::nullopt);
  EXPECT_EQ(rewrite(R"({"meta":{"partition":"\x"}})"), std::nullopt);
}

TEST(MetaRewriter, LeavesMetaKeyAloneWithoutAKey) {
  EXPECT_EQ(rewrite(R"({"meta":{"key":{"orig":1}}})"),
            "{\"meta\":{\"key\":{\"orig\":1}," + kMeta + "}}");
  const std::string_view key = "abc";
  EXPECT_EQ(rewrite(R"({"meta":{"key":123}})", fields(&key)),
            "{\"meta\":{\"key\":\"abc\"," + kMeta + "}}");
}

TEST(MetaRewriter, MatchesEscapedMemberNames) {
  // Any JSON parser reads these names as meta / topic / partition.
  EXPECT_EQ(
      rewrite(R"({"me\u0074a":{"\u0074opic":"x","p\u0061rtition":0,"\/":1}})"),
      R"({"me\u0074a":{"\u0074opic":"eqiad.mediawiki.recentchange","p\u0061rtition":7,"\/":1,"offset":42}})");
  // ... and these not: an extra NUL, \r is not 'r', a non-ASCII look-alike.
  EXPECT_EQ(rewrite(R"({"meta\u0000":{}})"), R"({"meta\u0000":{},"meta":{)" + kMeta + "}}");
  EXPECT_EQ(rewrite(R"({"meta":{"pa\rtition":0,"offs\u0065\u0301t":1}})"),
            R"({"meta":{"pa\rtition":0,"offs\u0065\u0301t":1,)" + kMeta + "}}");
  EXPECT_EQ(rewrite(R"({"META":{},"met":{},"metaa":{}})"),
            R"({"META":{},"met":{},"metaa":{},"meta":{)" + kMeta + "}}");
}

TEST(MetaRewriter, WritesPartitionAndOffsetExtremes) {
  const MetaFields low{"t", std::numeric_limits<std::int32_t>::min(),
                       std::numeric_limits<std::int64_t>::min(), nullptr};
  EXPECT_EQ(rewrite("{}", low),
            R"({"meta":{"topic":"t","partition":-2147483648,"offset":-9223372036854775808}})");
  const MetaFields high{"t", std::numeric_limits<std::int32_t>::max(),
                        std::numeric_limits<std::int64_t>::max(), nullptr};
  EXPECT_EQ(rewrite("{}", high),
            R"({"meta":{"topic":"t","partition":2147483647,"offset":9223372036854775807}})");
}

// --- Topic and key as JSON strings ------------------------------------------------------------

std::optional<std::string> rewrite_key(std::string_view key) {
  const MetaFields meta{"t", 0, 0, &key};
  const auto out = rewrite("{}", meta);
  if (!out.has_value()) return std::nullopt;
  // The output must be valid JSON (UTF-8 included) whatever the key.
  EXPECT_FALSE(parse(*out).HasParseError()) << *out;
  const std::string head = R"({"meta":{"topic":"t","partition":0,"offset":0,"key":)";
  EXPECT_EQ(out->substr(0, head.size()), head);
  return out->substr(head.size(), out->size() - head.size() - 2);
}

TEST(MetaRewriter, EscapesTheKey) {
  EXPECT_EQ(rewrite_key("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f"s),
            R"("q\"b\\s/\b\f\n\r\t\u0001\u001f)"s + "\x7f\"");
  EXPECT_EQ(rewrite_key("a\0b"s), R"("a\u0000b")");
  EXPECT_EQ(rewrite_key(R"({"id":"x"})"), R"("{\"id\":\"x\"}")");
}

TEST(MetaRewriter, ReplacesInvalidUtf8InTheKey) {
  // Valid sequences up to 4 bytes, including the edges of the valid ranges, stay as they are.
  const std::string valid =
      "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xed\x9f\xbf \xee\x80\x80";
  EXPECT_EQ(rewrite_key(valid), "\"" + valid + "\"");
  EXPECT_EQ(rewrite_key("a\xff"
                        "b\xc3"s),
            R"("a\ufffdb\ufffd")");
  EXPECT_EQ(rewrite_key("\xc0\xaf"s), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(rewrite_key("\xed\xa0\x80"s), R"("\ufffd\ufffd\ufffd")");  // encoded surrogate
  EXPECT_EQ(rewrite_key("\xf4\x90\x80\x80"s), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(rewrite_key("\xe2\x82"s), R"("\ufffd\ufffd")");                      // truncated
  EXPECT_EQ(rewrite_key("\x80z"s), R"("\ufffdz")");  // lone continuation
}

TEST(MetaRewriter, EscapesTheTopic) {
  const MetaFields meta{"a\"b\n\xfe", 1, 2, nullptr};
  EXPECT_EQ(rewrite(R"({"meta":{"topic":""}})", meta),
            R"({"meta":{"topic":"a\"b\n\ufffd","partition":1,"offset":2}})");
}

// --- Compaction -----------------------------------------------------------------------------

TEST(MetaRewriter, DropsWhitespaceEverywhereButInStrings) {
  const std::string input =
      " \t\r\n{ \t\r\n\"a\" \n:\r [ 1 , 2.5e-3 ,\t\"s p\\ta c e\" , true , false , null , { } ,"
      " [ ] , { \"k\" : [ [ ] ] } ] ,\n \"meta\" : { \"dt\" : \" x y \" } } \n\r\t ";
  EXPECT_EQ(
      rewrite(input),
      R"({"a":[1,2.5e-3,"s p\ta c e",true,false,null,{},[],{"k":[[]]}],"meta":{"dt":" x y ",)" +
          kMeta + "}}");
}

TEST(MetaRewriter, KeepsStringContentsAndNumbersAsWritten) {
  // Escapes stay escapes (lone surrogates too: the JSON grammar allows them), numbers keep
  // their spelling, non-ASCII stays raw.
  const std::string members =
      R"("s":"\u00e9\/\"\\\b\f\n\r\t\ud800\udc00\ud800\uDFFF \u0000 é €","n":[0,-0,-0.0,1E+5,1e-5,0.1e10,)"
      R"(123456789012345678901234567890,1e400,-12.50])";
  EXPECT_EQ(rewrite("{" + members + "}"), "{" + members + ",\"meta\":{" + kMeta + "}}");
}

TEST(MetaRewriter, AppendsAfterWhatOutAlreadyHolds) {
  std::string out = "x";
  ASSERT_TRUE(rewrite_event("{}", fields(), out));
  ASSERT_TRUE(rewrite_event(R"({"a":1})", fields(), out));
  ASSERT_FALSE(rewrite_event("[]", fields(), out));
  EXPECT_EQ(out, "x{\"meta\":{" + kMeta + "}}{\"a\":1,\"meta\":{" + kMeta + "}}");
}

// --- Rejected input -------------------------------------------------------------------------

void expect_rejected(std::string_view input) {
  EXPECT_EQ(rewrite(input), std::nullopt) << "input: " << input;
}

TEST(MetaRewriter, RejectsWhatIsNotAnObject) {
  for (const std::string_view input : {"[]"sv, R"([{"meta":{}}])"sv, R"("s")"sv, "1"sv, "-1"sv,
                                       "true"sv, "null"sv, ""sv, " "sv, "\n"sv}) {
    expect_rejected(input);
  }
}

TEST(MetaRewriter, RejectsTruncatedInput) {
  const std::string full = R"({"a":[1,{"b":"c\u00e9"}],"meta":{"d":true,"e":null},"f":-1.5e3})";
  for (std::size_t n = 0; n < full.size(); ++n) expect_rejected(full.substr(0, n));
  EXPECT_TRUE(rewrite(full).has_value());
}

TEST(MetaRewriter, RejectsBadStructure) {
  for (const std::string_view input : {"{"sv,
                                       "}"sv,
                                       R"({"a")"sv,
                                       R"({"a":)"sv,
                                       R"({"a":1,})"sv,
                                       "{,}"sv,
                                       R"({"a" 1})"sv,
                                       R"({"a":1 "b":2})"sv,
                                       "{a:1}"sv,
                                       "{'a':1}"sv,
                                       "{1:2}"sv,
                                       "{null:1}"sv,
                                       R"({"a":[1,]})"sv,
                                       R"({"a":[,1]})"sv,
                                       R"({"a":[1 2]})"sv,
                                       R"({"a":{"b":1]})"sv,
                                       R"({"a":[1}})"sv,
                                       R"({"a":]})"sv,
                                       R"({"a"::1})"sv,
                                       R"({"a":1,,"b":2})"sv}) {
    expect_rejected(input);
  }
}

TEST(MetaRewriter, RejectsTrailingGarbage) {
  for (const std::string_view input : {R"({"a":1}x)"sv, "{}{}"sv, "{} 1"sv, "{}]"sv, "{}}"sv,
                                       "{}//c"sv, "{}\0"sv, "{} \0"sv, "{},"sv}) {
    expect_rejected(input);
  }
}

TEST(MetaRewriter, RejectsWhatIsNotJsonWhitespace) {
  for (const std::string_view input :
       {"/*c*/{}"sv, "\xef\xbb\xbf{}"sv, "\v{}"sv, "\f{}"sv, "\xc2\xa0{}"sv, "\0{}"sv, "{\v}"sv}) {
    expect_rejected(input);
  }
}

TEST(MetaRewriter, RejectsBadLiterals) {
  for (const std::string_view input :
       {R"({"a":tru})"sv, R"({"a":nul})"sv, R"({"a":True})"sv, R"({"a":NULL})"sv, R"({"a":fals})"sv,
        R"({"a":truex})"sv, R"({"a":NaN})"sv, R"({"a":Infinity})"sv, R"({"a":-Infinity})"sv,
        R"({"a":undefined})"sv}) {
    expect_rejected(input);
  }
}

TEST(MetaRewriter, RejectsBadNumbers) {
  for (const std::string_view number :
       {"01"sv, "-01"sv, "00"sv,  "1."sv,   ".5"sv,   "-"sv,     "+1"sv,
        "1e"sv, "1e+"sv, "1E-"sv, "1.e5"sv, "0x1"sv,  "1.5.5"sv, "--1"sv,
        "-a"sv, "1_0"sv, "- 1"sv, "1 2"sv,  "0.e1"sv, "1e5.5"sv}) {
    expect_rejected(R"({"n":)" + std::string(number) + "}");
    expect_rejected(R"({"n":[)" + std::string(number) + "]}");
  }
}

TEST(MetaRewriter, RejectsBadStrings) {
  for (const std::string_view string :
       {"\"\x01\""sv, "\"a\nb\""sv, "\"\t\""sv, "\"\0\""sv, R"("\x")"sv, R"("\u12G4")"sv,
        R"("\u12")"sv, R"("\U1234")"sv, R"("\'")"sv, R"("\)"sv, R"("abc)"sv, "\"\\\""sv}) {
    expect_rejected(R"({"s":)" + std::string(string) + "}");
    expect_rejected("{" + std::string(string) + ":1}");
  }
}

TEST(MetaRewriter, RejectsInvalidUtf8InStrings) {
  // RFC 8259 section 8.1: JSON text is UTF-8.
  for (const std::string_view bytes :
       {"\xff"sv, "\xfe"sv, "\x80"sv, "\xbf"sv, "\xc0\x80"sv, "\xc1\xbf"sv, "\xe0\x9f\xbf"sv,
        "\xed\xa0\x80"sv, "\xed\xbf\xbf"sv, "\xf0\x8f\xbf\xbf"sv, "\xf4\x90\x80\x80"sv,
        "\xf5\x80\x80\x80"sv, "\xe2\x82"sv, "\xf0\x9f\x98"sv, "\xc3"sv, "\xc3\xc3"sv}) {
    expect_rejected(R"({"s":")" + std::string(bytes) + "\"}");
    expect_rejected(R"({"s":"a)" + std::string(bytes) + "b\"}");
  }
  // Raw non-ASCII outside strings is never valid.
  expect_rejected("{\"s\":\xc3\xa9}");
}

TEST(MetaRewriter, AcceptsValidUtf8InStrings) {
  for (const std::string_view bytes :
       {"\xc2\x80"sv, "\xdf\xbf"sv, "\xe0\xa0\x80"sv, "\xed\x9f\xbf"sv, "\xee\x80\x80"sv,
        "\xef\xbf\xbf"sv, "\xf0\x90\x80\x80"sv, "\xf4\x8f\xbf\xbf"sv, "\x7f"sv}) {
    const std::string member = R"("s":")" + std::string(bytes) + "\"";
    EXPECT_EQ(rewrite("{" + member + "}"), "{" + member + ",\"meta\":{" + kMeta + "}}");
  }
}

TEST(MetaRewriter, ClassifiesEveryByteAtEveryPositionInAString) {
  // A lone byte in a run of plain text, at each offset within and across 8-byte words: only
  // printable ASCII other than '"' and '\\' (and DEL) may stand alone in a string.
  for (int b = 0; b < 256; ++b) {
    const bool plain = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
    for (int at = 0; at < 20; ++at) {
      const std::string member = R"("s":")" + std::string(at, 'a') + static_cast<char>(b) +
                                 std::string(19 - at, 'a') + "\"";
      const auto out = rewrite("{" + member + "}");
      ASSERT_EQ(out.has_value(), plain) << "byte " << b << " at " << at;
      if (plain) {
        ASSERT_EQ(*out, "{" + member + ",\"meta\":{" + kMeta + "}}");
      }
    }
  }
}

// --- Block boundaries of the string scan ----------------------------------------------------
// Strings are scanned in 16-byte (SSE2) and 8-byte (SWAR) blocks with a byte-wise tail; these
// put every kind of byte that ends a plain run at every offset across those blocks, and the end
// of the input at every distance from them.

struct Piece {
  std::string_view bytes;
  bool valid;  // inside a string, between plain ASCII
};
constexpr Piece kPieces[] = {
    {R"(\")", true},
    {R"(\\)", true},
    {R"(\n)", true},
    {R"(\/)", true},
    {R"(\u00e9)", true},
    {R"(\uD800)", true},
    {"\x7f", true},
    {"\xc3\xa9", true},
    {"\xe2\x82\xac", true},
    {"\xf0\x9f\x98\x80", true},
    {"\xc3\xa9\xe2\x82\xac\xc3\xa9", true},
    {"\xd0\x9f\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80 \xd0\xbc\xd0\xb8\xd1\x80\xd0\xb0",
     true},  // Cyrillic
    {"\"", false},
    {R"(\x)", false},
    {R"(\u12G4)", false},
    {"\x01", false},
    {"\x1f", false},
    {"\t", false},
    {"\x80", false},
    {"\xff", false},
    {"\xc3", false},
    {"\xc0\xaf", false},
    {"\xed\xa0\x80", false},
    {"\xe2\x82", false},
    {"\xf4\x90\x80\x80", false},
    // A bad sequence after good ones, within one run of non-ASCII bytes.
    {"\xc3\xa9\xc3", false},
    {"\xd0\x9f\xd1\x80\x80", false},
    {"\xd0\x9f\xc1\xbf", false},
    {"\xd0\x9f\xd1\xd1", false},
    {"\xe2\x82\xac\xed\xa0\x80", false},
    {"\xc3\xa9\xf0\x9f\x98", false},
};

TEST(MetaRewriterStringScan, EveryKindOfByteAtEveryPositionOfAString) {
  for (const Piece& piece : kPieces) {
    for (std::size_t at = 0; at <= 40; ++at) {
      for (const std::size_t after : {std::size_t{0}, std::size_t{1}, std::size_t{7},
                                      std::size_t{8}, std::size_t{15}, std::size_t{16}, 41 - at}) {
        const std::string contents =
            std::string(at, 'a') + std::string(piece.bytes) + std::string(after, 'b');
        const std::string value_member = R"("s":")" + contents + "\"";
        const std::string name_member = "\"" + contents + "\":0";
        for (const std::string& member : {value_member, name_member}) {
          const auto out = rewrite("{" + member + "}");
          ASSERT_EQ(out.has_value(), piece.valid) << member;
          if (piece.valid) {
            ASSERT_EQ(*out, "{" + member + ",\"meta\":{" + kMeta + "}}");
          }
        }
      }
    }
  }
}

TEST(MetaRewriterStringScan, RejectsStringsCutAtTheEndOfTheInput) {
  // Nothing after the string: the scan must stop at the end of the input, not at a quote or a
  // NUL it reads beyond it.
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string run(n, 'a');
    for (const std::string_view cut :
         {""sv, "\\"sv, "\\u"sv, "\\u00"sv, "\xc3"sv, "\xe2\x82"sv, "\xf0\x9f\x98"sv, "\xc3\xa9"sv,
          "\\\""sv, "\xd0\x9f\xd1"sv}) {
      expect_rejected(R"({"s":")" + run + std::string(cut));
      expect_rejected(R"({")" + run + std::string(cut));
      expect_rejected(R"({"meta":{"topic":")" + run + std::string(cut));
    }
  }
}

TEST(MetaRewriterStringScan, InputsOfEveryLengthAroundTheBlockSizes) {
  for (std::size_t length = 1; length <= 64; ++length) {
    std::vector<std::string> inputs = {"{" + std::string(length - 1, ' ')};  // '}' missing
    if (length >= 2) inputs.push_back("{" + std::string(length - 2, ' ') + "}");
    if (length >= 8) {
      inputs.push_back(R"({"s":")" + std::string(length - 8, 'a') + "\"}");
      inputs.push_back("{\"" + std::string(length - 6, 'a') + "\":0}");
    }
    for (const std::string& input : inputs) {
      ASSERT_EQ(input.size(), length);
      const bool complete = input.back() == '}';
      const auto out = rewrite(input);
      ASSERT_EQ(out.has_value(), complete) << input;
      for (std::size_t n = 0; n < input.size(); ++n) {
        EXPECT_EQ(rewrite(input.substr(0, n)), std::nullopt) << input.substr(0, n);
      }
    }
  }
}

TEST(MetaRewriterStringScan, RejectsEveryTruncationOfTheSampleEvents) {
  for (const auto& [name, pretty] : load_fixtures()) {
    SCOPED_TRACE(name);
    const std::string compact = testing::write_compact(parse(pretty));
    for (const std::string& event : {pretty, compact}) {
      const auto full = rewrite(event);
      ASSERT_TRUE(full.has_value());
      // Cut before the closing brace: invalid. After it only whitespace goes: the same output.
      const std::size_t closing = event.rfind('}');
      for (std::size_t n = 0; n < event.size(); ++n) {
        const auto out = rewrite(std::string_view(event).substr(0, n));
        if (n <= closing) {
          ASSERT_EQ(out, std::nullopt) << "length " << n;
        } else {
          ASSERT_EQ(out, full) << "length " << n;
        }
      }
    }
  }
}

TEST(MetaRewriterStringScan, DigitRunsOfEveryLengthEndedByEveryByte) {
  // Digits are scanned 8 at a time: runs of 1..24 digits (integer, fraction and exponent part)
  // followed by each byte value, and cut at the end of the input.
  for (std::size_t n = 1; n <= 24; ++n) {
    std::string digits;
    for (std::size_t i = 0; i < n; ++i) digits += static_cast<char>('1' + i % 9);
    for (const std::string& number :
         {digits, "-" + digits, "0." + digits, "1e" + digits, "-2.5E-" + digits}) {
      for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        const bool valid =
            (c >= '0' && c <= '9') || c == ' ' || c == '\t' || c == '\n' || c == '\r';
        const std::string member = R"("n":)" + number + c;
        const auto out = rewrite("{" + member + "}");
        ASSERT_EQ(out.has_value(), valid) << member;
        if (valid) {
          const std::string kept =
              c >= '0' && c <= '9' ? member : member.substr(0, member.size() - 1);
          ASSERT_EQ(*out, "{" + kept + ",\"meta\":{" + kMeta + "}}");
        }
      }
      expect_rejected(R"({"n":)" + number);
      EXPECT_TRUE(rewrite(R"({"n":[)" + number + "]}").has_value()) << number;
    }
  }
}

// --- Nesting --------------------------------------------------------------------------------

// The top-level object is depth 1, so `{"a":` + n '[' nests n + 1 deep.
std::string nested_arrays(int n) {
  return R"({"a":)" + std::string(n, '[') + std::string(n, ']') + "}";
}
std::string nested_objects(int n) {
  std::string s = "{";
  for (int i = 0; i < n; ++i) s += R"("o":{)";
  return s + std::string(n + 1, '}');
}

TEST(MetaRewriter, AcceptsNestingUpTo256) {
  EXPECT_TRUE(rewrite(nested_arrays(255)).has_value());
  EXPECT_TRUE(rewrite(nested_objects(255)).has_value());
  // Inside meta the limit is the same: meta itself is depth 2.
  EXPECT_TRUE(rewrite(R"({"meta":{"x":)" + std::string(254, '[') + std::string(254, ']') + "}}")
                  .has_value());
}

TEST(MetaRewriter, RejectsNestingDeeperThan256) {
  expect_rejected(nested_arrays(256));
  expect_rejected(nested_objects(256));
  expect_rejected(R"({"meta":{"x":)" + std::string(255, '[') + std::string(255, ']') + "}}");
  expect_rejected(R"({"meta":{"topic":)" + std::string(255, '[') + std::string(255, ']') + "}}");
  // Hostile input: no recursion, so no stack to exhaust.
  expect_rejected(R"({"a":)" + std::string(1000000, '['));
  expect_rejected(std::string(1000000, '{'));
}

TEST(MetaRewriter, HandlesDepthGoingUpAndDownRepeatedly) {
  std::string members;
  for (int i = 0; i < 1000; ++i) members += R"("x":[[[{"y":[{}]}]]],)";
  EXPECT_TRUE(rewrite("{" + members + R"("z":0})").has_value());
}

}  // namespace
}  // namespace eventstreams::pipeline
