// Parsing of filter parameters: syntax errors, value typing, canonical keys.
#include "filter_expression.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace eventstreams::filter {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

std::multimap<std::string, std::string> to_map(const Query& q) {
  return {q.begin(), q.end()};
}

// The filter, or a test failure with the error.
Filter parse_ok(const Query& q) {
  std::string error;
  auto f = parse_filter(to_map(q), default_reserved_names(), error);
  EXPECT_TRUE(f.has_value()) << error;
  EXPECT_TRUE(error.empty()) << error;
  return f.value_or(Filter{});
}

// The error message, or a test failure if the query parses.
std::string parse_error(const Query& q) {
  std::string error;
  auto f = parse_filter(to_map(q), default_reserved_names(), error);
  EXPECT_FALSE(f.has_value()) << "parsed: " << (f ? f->canonical_key() : "");
  EXPECT_FALSE(error.empty());
  return error;
}

std::string key(const Query& q) {
  return parse_ok(q).canonical_key();
}

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// --- syntax errors ---------------------------------------------------------------------------

TEST(FilterSyntax, EmptyName) {
  EXPECT_TRUE(contains(parse_error({{"", "x"}}), "filter parameter \"\": empty parameter name"));
  EXPECT_TRUE(contains(parse_error({{"!", "x"}}), "empty parameter name"));
}

TEST(FilterSyntax, EmptyPathSegment) {
  for (const char* name : {"a..b", ".a", "a.", "meta..domain!", "."}) {
    EXPECT_TRUE(contains(parse_error({{name, "x"}}), "empty path segment")) << name;
  }
  EXPECT_TRUE(contains(parse_error({{"a..b", "x"}}), "filter parameter \"a..b\""));
}

TEST(FilterSyntax, EmptyValueList) {
  const std::string e = parse_error({{"type", ""}});
  EXPECT_TRUE(contains(e, "filter parameter \"type\": empty value list"));
  EXPECT_TRUE(contains(parse_error({{"bot!", ""}}), "empty value list"));
}

TEST(FilterSyntax, EmptyValueInsideOrAtTheEndOfAList) {
  EXPECT_TRUE(contains(parse_error({{"type", "edit,,log"}}), "empty value in list"));
  EXPECT_TRUE(contains(parse_error({{"type", ",edit"}}), "empty value in list"));
  EXPECT_TRUE(contains(parse_error({{"type", "edit,"}}), "empty value at the end of list"));
  EXPECT_TRUE(contains(parse_error({{"type", "\"a\","}}), "empty value at the end"));
}

TEST(FilterSyntax, UnterminatedQuote) {
  EXPECT_TRUE(contains(parse_error({{"type", "\"edit"}}),
                       "filter parameter \"type\": unterminated quote in value \"\\\"edit\""));
  EXPECT_TRUE(contains(parse_error({{"type", "edit,\"log"}}), "unterminated quote"));
  // A backslash escapes the closing quote, so the quote stays open.
  EXPECT_TRUE(contains(parse_error({{"type", "\"edit\\\""}}), "unterminated quote"));
  EXPECT_TRUE(contains(parse_error({{"type", "\"edit\\"}}), "unterminated quote"));
}

TEST(FilterSyntax, TextAfterClosingQuote) {
  EXPECT_TRUE(contains(parse_error({{"type", "\"edit\"x"}}), "after the closing quote"));
  EXPECT_TRUE(contains(parse_error({{"type", "\"a\"\"b\""}}), "after the closing quote"));
}

TEST(FilterSyntax, QuoteInsideABareValue) {
  EXPECT_TRUE(contains(parse_error({{"title", "say \"hi\""}}), "contains a double quote"));
}

TEST(FilterSyntax, CharactersOutsideTheNameSet) {
  for (const char* name : {"a b", "a[0]", "a!b", "bot!!", "a=b", "a/b", "a\"b", "caf\xc3\xa9"}) {
    EXPECT_TRUE(contains(parse_error({{name, "x"}}), "is not allowed in a filter name")) << name;
  }
  EXPECT_TRUE(contains(parse_error({{"a b", "x"}}), "character ' '"));
  EXPECT_TRUE(contains(parse_error({{"a\nb", "x"}}), "character '\\x0A'"));
}

TEST(FilterSyntax, AllowedNameCharacters) {
  const Filter f = parse_ok({{"$schema", "x"}, {"a-b_C9.d", "1"}, {"bot!", "true"}});
  ASSERT_EQ(f.clauses.size(), 3u);
}

TEST(FilterSyntax, NumberOutOfRange) {
  EXPECT_TRUE(contains(parse_error({{"n", "1e400"}}), "number \"1e400\" is out of range"));
}

TEST(FilterSyntax, ReservedNamesAreNotFilters) {
  const Filter f = parse_ok({{"since", "2024-01-01"}, {"lastEventId", "x"}, {"_", "123"}});
  EXPECT_TRUE(f.empty());
  EXPECT_EQ(parse_ok({{"since", "0"}, {"type", "edit"}}).canonical_key(), "type=\"edit\"");
  EXPECT_TRUE(contains(parse_error({{"since!", "0"}}), "reserved parameter"));
}

TEST(FilterSyntax, ConfiguredReservedNames) {
  std::set<std::string, std::less<>> reserved = default_reserved_names();
  reserved.insert("format");
  std::string error;
  auto f = parse_filter({{"format", "x y"}, {"type", "edit"}}, reserved, error);
  ASSERT_TRUE(f) << error;
  EXPECT_EQ(f->canonical_key(), "type=\"edit\"");
}

TEST(FilterSyntax, Limits) {
  Query many;
  for (std::size_t i = 0; i <= kMaxClauses; ++i) many.emplace_back("f" + std::to_string(i), "1");
  EXPECT_TRUE(contains(parse_error(many), "too many filter parameters"));
  std::string values = "0";
  for (std::size_t i = 1; i <= kMaxValues; ++i) values += "," + std::to_string(i);
  EXPECT_TRUE(contains(parse_error({{"n", values}}), "too many filter values"));
  std::string deep = "a";
  for (std::size_t i = 0; i < kMaxPathSegments; ++i) deep += ".a";
  EXPECT_TRUE(contains(parse_error({{deep, "1"}}), "deeper than"));
}

// --- values ----------------------------------------------------------------------------------

std::vector<FilterValue> values_of(std::string_view raw) {
  std::string error;
  auto v = parse_values(raw, error);
  EXPECT_TRUE(v) << error;
  return v.value_or(std::vector<FilterValue>{});
}

TEST(FilterValues, Typing) {
  const auto v = values_of("true,false,null,100,-2.5,1e2,edit,\"true\",\"100\",\"\",*.org");
  ASSERT_EQ(v.size(), 11u);
  EXPECT_EQ(v[0].kind, FilterValue::Kind::kBool);
  EXPECT_TRUE(v[0].boolean);
  EXPECT_EQ(v[1].kind, FilterValue::Kind::kBool);
  EXPECT_FALSE(v[1].boolean);
  EXPECT_EQ(v[2].kind, FilterValue::Kind::kNull);
  EXPECT_EQ(v[3].kind, FilterValue::Kind::kNumber);
  EXPECT_EQ(v[3].canonical, "100");
  EXPECT_EQ(v[4].canonical, "-2.5");
  EXPECT_EQ(v[5].canonical, "100");  // 1e2 is the integer 100
  EXPECT_EQ(v[6].kind, FilterValue::Kind::kString);
  EXPECT_EQ(v[6].string, "edit");
  EXPECT_EQ(v[7].kind, FilterValue::Kind::kString);
  EXPECT_EQ(v[7].string, "true");
  EXPECT_EQ(v[8].kind, FilterValue::Kind::kString);
  EXPECT_EQ(v[8].string, "100");
  EXPECT_EQ(v[9].kind, FilterValue::Kind::kString);
  EXPECT_EQ(v[9].string, "");
  EXPECT_EQ(v[10].kind, FilterValue::Kind::kPattern);
}

TEST(FilterValues, NotQuiteNumbersAreStrings) {
  for (const char* raw : {"01", "+1", "1.", ".5", "1e", "0x10", "NaN", "Infinity", "1 "}) {
    const auto v = values_of(raw);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].kind, FilterValue::Kind::kString) << raw;
  }
  EXPECT_EQ(values_of("True")[0].kind, FilterValue::Kind::kString);
}

TEST(FilterValues, QuotedStringsKeepCommasAndEscapes) {
  const auto v = values_of(R"("a,b","say \"hi\"","back\\slash","star\*",plain)");
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0].string, "a,b");
  EXPECT_EQ(v[1].string, "say \"hi\"");
  EXPECT_EQ(v[2].string, "back\\slash");
  EXPECT_EQ(v[3].kind, FilterValue::Kind::kString);
  EXPECT_EQ(v[3].string, "star*");
  EXPECT_EQ(v[4].string, "plain");
}

TEST(FilterValues, Wildcards) {
  const auto v = values_of("*.wikipedia.org,en.*,*wiki*,a**b,\"q*\"");
  ASSERT_EQ(v.size(), 5u);
  for (const auto& x : v) EXPECT_EQ(x.kind, FilterValue::Kind::kPattern) << x.canonical;
  EXPECT_EQ(v[0].pattern.parts, (std::vector<std::string>{"", ".wikipedia.org"}));
  EXPECT_EQ(v[2].pattern.parts, (std::vector<std::string>{"", "wiki", ""}));
  EXPECT_EQ(v[3].canonical, "\"a*b\"");  // consecutive wildcards are one
  EXPECT_EQ(v[4].canonical, "\"q*\"");
}

TEST(FilterValues, BackslashIsLiteralOutsideQuotes) {
  const auto v = values_of("a\\b");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].string, "a\\b");
}

TEST(FilterValues, NumberNormalisation) {
  EXPECT_EQ(Number::parse("100.0")->canonical(), "100");
  EXPECT_EQ(Number::parse("-0")->canonical(), "0");
  EXPECT_EQ(Number::parse("0.1")->canonical(), "0.1");
  EXPECT_EQ(Number::parse("9223372036854775807")->canonical(), "9223372036854775807");
  EXPECT_FALSE(Number::parse("9223372036854775808")->is_int);
  EXPECT_EQ(*Number::parse("100"), *Number::parse("1.0e2"));
  EXPECT_FALSE(Number::parse("abc"));
}

// --- canonical keys --------------------------------------------------------------------------

TEST(FilterKey, OrderOfParametersAndValuesDoesNotMatter) {
  const std::string a = key(
      {{"meta.domain", "en.wikipedia.org,de.wikipedia.org"}, {"type", "edit"}, {"bot!", "true"}});
  const std::string b = key(
      {{"bot!", "true"}, {"type", "edit"}, {"meta.domain", "de.wikipedia.org,en.wikipedia.org"}});
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, R"(bot!=true&meta.domain="de.wikipedia.org","en.wikipedia.org"&type="edit")");
}

TEST(FilterKey, EquivalentSpellingsShareAKey) {
  EXPECT_EQ(key({{"n", "100"}}), key({{"n", "100.0"}}));
  EXPECT_EQ(key({{"n", "100,1e2"}}), key({{"n", "100"}}));
  EXPECT_EQ(key({{"type", "edit"}}), key({{"type", "\"edit\""}}));
  EXPECT_EQ(key({{"type", "edit,edit"}}), key({{"type", "edit"}}));
  EXPECT_EQ(key({{"type", "edit"}, {"type", "edit"}}), key({{"type", "edit"}}));
  EXPECT_EQ(key({{"d", "a**b"}}), key({{"d", "a*b"}}));
}

TEST(FilterKey, DifferentFiltersHaveDifferentKeys) {
  EXPECT_NE(key({{"bot", "true"}}), key({{"bot", "\"true\""}}));
  EXPECT_NE(key({{"n", "100"}}), key({{"n", "\"100\""}}));
  EXPECT_NE(key({{"bot", "true"}}), key({{"bot!", "true"}}));
  EXPECT_NE(key({{"d", "a*b"}}), key({{"d", "\"a\\*b\""}}));  // wildcard vs literal asterisk
  EXPECT_NE(key({{"t", "a,b"}}), key({{"t", "\"a,b\""}}));
  // Two clauses on one path are not one clause with both values.
  EXPECT_NE(key({{"t", "a"}, {"t", "b"}}), key({{"t", "a,b"}}));
  EXPECT_NE(key({{"a", R"("x&b=\"y\"")"}}), key({{"a", "x"}, {"b", "y"}}));
  EXPECT_NE(key({{"a", "x&b=y"}}), key({{"a", "x"}, {"b", "y"}}));
}

TEST(FilterKey, EmptyFilterHasEmptyKey) {
  EXPECT_EQ(key({}), "");
}

TEST(FilterKey, SeparatorsInsideStringsAreEscaped) {
  EXPECT_EQ(key({{"t", "a|b"}}), R"(t="a\|b")");
  EXPECT_EQ(key({{"t", R"("q\"*")"}}), R"(t="q\"*")");
}

}  // namespace
}  // namespace eventstreams::filter
