// Matching events against filters: any-of, AND, negation, wildcards, scalar typing, paths.
#include "filter_matcher.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "filter_expression.h"

namespace eventstreams::filter {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

Filter filter_of(const Query& q) {
  std::string error;
  auto f = parse_filter({q.begin(), q.end()}, default_reserved_names(), error);
  EXPECT_TRUE(f) << error;
  return f.value_or(Filter{});
}

Matcher::Verdict verdict(const Query& q, std::string_view json, bool drop_canary = false) {
  Matcher m(filter_of(q), drop_canary);
  return m.evaluate(json);
}

bool passes(const Query& q, std::string_view json) {
  return verdict(q, json) == Matcher::Verdict::kPass;
}

constexpr std::string_view kEdit =
    R"({"$schema":"/mediawiki/recentchange/1.0.1","meta":{"domain":"en.wikipedia.org",)"
    R"("stream":"mediawiki.recentchange","topic":"t","partition":0,"offset":5},"type":"edit",)"
    R"("title":"Main Page","bot":false,"length":{"old":20,"new":100},"ns":0,"tags":["a","b"],)"
    R"("comment":null,"ratio":0.5,"big":18446744073709551615,"quoted":"true"})";

TEST(FilterMatch, EmptyFilterPassesEverything) {
  EXPECT_TRUE(passes({}, kEdit));
  EXPECT_TRUE(passes({}, "not json"));
}

TEST(FilterMatch, AnyOfTheValues) {
  EXPECT_TRUE(passes({{"type", "edit"}}, kEdit));
  EXPECT_TRUE(passes({{"type", "log,edit,new"}}, kEdit));
  EXPECT_FALSE(passes({{"type", "log,new"}}, kEdit));
  EXPECT_FALSE(passes({{"type", "Edit"}}, kEdit));  // case-sensitive
}

TEST(FilterMatch, AllParametersMustMatch) {
  EXPECT_TRUE(passes({{"type", "edit"}, {"meta.domain", "en.wikipedia.org"}}, kEdit));
  EXPECT_FALSE(passes({{"type", "edit"}, {"meta.domain", "de.wikipedia.org"}}, kEdit));
  EXPECT_FALSE(passes({{"type", "log"}, {"meta.domain", "en.wikipedia.org"}}, kEdit));
}

TEST(FilterMatch, SameParameterTwiceMustMatchBoth) {
  EXPECT_TRUE(passes({{"type", "edit,log"}, {"type", "edit,new"}}, kEdit));
  EXPECT_FALSE(passes({{"type", "edit"}, {"type", "log"}}, kEdit));
  EXPECT_TRUE(passes({{"meta.domain", "*.org"}, {"meta.domain", "en.*"}}, kEdit));
  EXPECT_FALSE(passes({{"meta.domain", "*.org"}, {"meta.domain", "de.*"}}, kEdit));
}

TEST(FilterMatch, MissingFieldFailsAPositiveClause) {
  EXPECT_FALSE(passes({{"user", "Alice"}}, kEdit));
  EXPECT_FALSE(passes({{"meta.nope", "x"}}, kEdit));
  EXPECT_FALSE(passes({{"type.deeper", "edit"}}, kEdit));  // type is a string, not an object
}

TEST(FilterMatch, Negation) {
  EXPECT_TRUE(passes({{"bot!", "true"}}, kEdit));
  EXPECT_FALSE(passes({{"bot!", "false"}}, kEdit));
  EXPECT_FALSE(passes({{"type!", "log,edit"}}, kEdit));
  EXPECT_TRUE(passes({{"type!", "log,new"}}, kEdit));
  EXPECT_FALSE(passes({{"meta.domain!", "*.wikipedia.org"}}, kEdit));
}

TEST(FilterMatch, NegationOfAMissingFieldPasses) {
  EXPECT_TRUE(passes({{"user!", "Alice"}}, kEdit));
  EXPECT_TRUE(passes({{"meta.nope!", "x"}}, kEdit));
  EXPECT_TRUE(passes({{"bot!", "true"}}, R"({"type":"edit"})"));
}

TEST(FilterMatch, PositiveAndNegatedOnOnePath) {
  EXPECT_TRUE(passes({{"meta.domain", "*.wikipedia.org"}, {"meta.domain!", "de.*"}}, kEdit));
  EXPECT_FALSE(passes({{"meta.domain", "*.wikipedia.org"}, {"meta.domain!", "en.*"}}, kEdit));
}

TEST(FilterMatch, Wildcards) {
  EXPECT_TRUE(passes({{"meta.domain", "*.wikipedia.org"}}, kEdit));  // start
  EXPECT_TRUE(passes({{"meta.domain", "en.*"}}, kEdit));             // end
  EXPECT_TRUE(passes({{"meta.domain", "en.*.org"}}, kEdit));         // middle
  EXPECT_TRUE(passes({{"meta.domain", "*wiki*"}}, kEdit));           // both ends
  EXPECT_TRUE(passes({{"meta.domain", "e*i*a.*g"}}, kEdit));         // several
  EXPECT_TRUE(passes({{"meta.domain", "*"}}, kEdit));
  EXPECT_TRUE(passes({{"meta.domain", "en.wikipedia.org*"}}, kEdit));  // empty run
  EXPECT_FALSE(passes({{"meta.domain", "*.wiktionary.org"}}, kEdit));
  EXPECT_FALSE(passes({{"meta.domain", "de.*"}}, kEdit));
  EXPECT_FALSE(passes({{"meta.domain", "en.*.net"}}, kEdit));
  // Prefix and suffix may not overlap.
  EXPECT_FALSE(passes({{"title", "Main P*Page"}}, kEdit));
  EXPECT_TRUE(passes({{"title", "Main*Page"}}, kEdit));
  EXPECT_TRUE(passes({{"title", "\"Main *\""}}, kEdit));  // quoted values have wildcards too
}

TEST(FilterMatch, WildcardsMatchStringsOnly) {
  EXPECT_FALSE(passes({{"ns", "*"}}, kEdit));
  EXPECT_FALSE(passes({{"bot", "*"}}, kEdit));
  EXPECT_FALSE(passes({{"comment", "*"}}, kEdit));
  EXPECT_FALSE(passes({{"length", "*"}}, kEdit));
}

TEST(FilterMatch, EscapedAsteriskIsLiteral) {
  constexpr std::string_view kStar = R"({"t":"a*b","u":"axxb"})";
  EXPECT_TRUE(passes({{"t", R"("a\*b")"}}, kStar));
  EXPECT_FALSE(passes({{"u", R"("a\*b")"}}, kStar));
  EXPECT_TRUE(passes({{"u", "a*b"}}, kStar));
}

TEST(FilterMatch, BooleansMatchBooleansOnly) {
  EXPECT_TRUE(passes({{"bot", "false"}}, kEdit));
  EXPECT_FALSE(passes({{"bot", "true"}}, kEdit));
  EXPECT_FALSE(passes({{"bot", "\"false\""}}, kEdit));
  EXPECT_FALSE(passes({{"quoted", "true"}}, kEdit));  // the field is the string "true"
  EXPECT_TRUE(passes({{"quoted", "\"true\""}}, kEdit));
  EXPECT_FALSE(passes({{"ns", "false"}}, kEdit));  // 0 is not false
}

TEST(FilterMatch, NumbersCompareNumerically) {
  EXPECT_TRUE(passes({{"length.new", "100"}}, kEdit));
  EXPECT_TRUE(passes({{"length.new", "100.0"}}, kEdit));
  EXPECT_TRUE(passes({{"length.new", "1e2"}}, kEdit));
  EXPECT_TRUE(passes({{"length.new", "100"}}, R"({"length":{"new":100.0}})"));
  EXPECT_TRUE(passes({{"length.new", "100"}}, R"({"length":{"new":1E2}})"));
  EXPECT_FALSE(passes({{"length.new", "\"100\""}}, kEdit));
  EXPECT_FALSE(passes({{"length.new", "100"}}, R"({"length":{"new":"100"}})"));
  EXPECT_FALSE(passes({{"length.new", "101"}}, kEdit));
  EXPECT_TRUE(passes({{"ratio", "0.5"}}, kEdit));
  EXPECT_TRUE(passes({{"ratio", "5e-1"}}, kEdit));
  EXPECT_TRUE(passes({{"ns", "-0"}}, kEdit));
  EXPECT_TRUE(passes({{"meta.offset", "5"}}, kEdit));
  EXPECT_TRUE(passes({{"n", "-7"}}, R"({"n":-7})"));
  EXPECT_TRUE(passes({{"n", "9007199254740993"}}, R"({"n":9007199254740993})"));
  // Exact for integers beyond double precision.
  EXPECT_FALSE(passes({{"n", "9007199254740993"}}, R"({"n":9007199254740992})"));
  EXPECT_TRUE(passes({{"big", "18446744073709551615"}}, kEdit));
  EXPECT_FALSE(passes({{"n", "1"}}, R"({"n":1e400})"));  // out of range equals nothing
}

TEST(FilterMatch, Null) {
  EXPECT_TRUE(passes({{"comment", "null"}}, kEdit));
  EXPECT_FALSE(passes({{"comment", "\"null\""}}, kEdit));
  EXPECT_FALSE(passes({{"title", "null"}}, kEdit));
  EXPECT_FALSE(passes({{"user", "null"}}, kEdit));  // missing is not null
  EXPECT_TRUE(passes({{"comment!", "null"}}, R"({"comment":"x"})"));
  EXPECT_FALSE(passes({{"comment!", "null"}}, kEdit));
}

TEST(FilterMatch, QuotedStrings) {
  EXPECT_TRUE(passes({{"title", "\"Main Page\""}}, kEdit));
  EXPECT_TRUE(passes({{"t", R"("a,b")"}}, R"({"t":"a,b"})"));
  EXPECT_FALSE(passes({{"t", "a,b"}}, R"({"t":"a,b"})"));
  EXPECT_TRUE(passes({{"t", R"("say \"hi\"")"}}, R"({"t":"say \"hi\""})"));
  EXPECT_TRUE(passes({{"t", "\"\""}}, R"({"t":""})"));
  EXPECT_FALSE(passes({{"t", "\"\""}}, R"({"t":" "})"));
}

TEST(FilterMatch, EscapedCharactersInEventsAreDecoded) {
  EXPECT_TRUE(passes({{"t", "caf\xc3\xa9"}}, R"({"t":"caf\u00e9"})"));
  EXPECT_TRUE(passes({{"t", "a/b"}}, R"({"t":"a\/b"})"));
  EXPECT_TRUE(passes({{"meta.domain", "x"}}, R"({"m\u0065ta":{"domain":"x"}})"));
}

TEST(FilterMatch, NestedPaths) {
  constexpr std::string_view kDeep =
      R"({"a":{"b":{"c":{"d":"deep"}},"x":1},"b":{"c":{"d":"top"}}})";
  EXPECT_TRUE(passes({{"a.b.c.d", "deep"}}, kDeep));
  EXPECT_TRUE(passes({{"b.c.d", "top"}}, kDeep));
  EXPECT_FALSE(passes({{"a.b.c.d", "top"}}, kDeep));
  EXPECT_TRUE(passes({{"a.x", "1"}, {"a.b.c.d", "deep"}, {"b.c.d", "top"}}, kDeep));
  // Members of the same name at another depth do not count.
  EXPECT_FALSE(passes({{"d", "deep"}}, kDeep));
  EXPECT_FALSE(passes({{"c.d", "deep"}}, kDeep));
}

TEST(FilterMatch, ObjectsAndArraysNeverMatch) {
  EXPECT_FALSE(passes({{"length", "*"}}, kEdit));
  EXPECT_FALSE(passes({{"tags", "a"}}, kEdit));
  EXPECT_FALSE(passes({{"meta", "null"}}, kEdit));
  EXPECT_TRUE(passes({{"tags!", "a"}}, kEdit));  // never equal, so the negation holds
  EXPECT_TRUE(passes({{"length!", "null"}}, kEdit));
  // Arrays are not indexed.
  EXPECT_FALSE(passes({{"tags.0", "a"}}, kEdit));
  EXPECT_FALSE(passes({{"a.b", "1"}}, R"({"a":[{"b":1}]})"));
}

TEST(FilterMatch, ParentAndChildPathsTogether) {
  EXPECT_FALSE(passes({{"length", "1"}, {"length.new", "100"}}, kEdit));
  EXPECT_TRUE(passes({{"length!", "1"}, {"length.new", "100"}}, kEdit));
  EXPECT_FALSE(passes({{"length!", "1"}, {"length.new", "99"}}, kEdit));
}

TEST(FilterMatch, FirstOfDuplicateMembersCounts) {
  EXPECT_TRUE(passes({{"t", "a"}}, R"({"t":"a","t":"b"})"));
  EXPECT_FALSE(passes({{"t", "b"}}, R"({"t":"a","t":"b"})"));
  // Also for the objects along a path.
  EXPECT_TRUE(passes({{"b.c!", "\"\""}}, R"({"b":{"x":1},"b":{"c":""}})"));
  EXPECT_FALSE(passes({{"b.c", "\"\""}}, R"({"b":{"x":1},"b":{"c":""}})"));
  EXPECT_FALSE(passes({{"b.c", "1"}}, R"({"b":1,"b":{"c":1}})"));
}

TEST(FilterMatch, FieldsAfterArraysAndObjectsAreFound) {
  constexpr std::string_view kJson =
      R"({"x":[1,[2,{"type":"no"}],{"a":{"type":"no"}}],"y":{"type":"no"},"type":"yes"})";
  EXPECT_TRUE(passes({{"type", "yes"}}, kJson));
  EXPECT_TRUE(passes({{"y.type", "no"}, {"type", "yes"}}, kJson));
}

TEST(FilterMatch, NonObjectDocuments) {
  EXPECT_FALSE(passes({{"a", "1"}}, "[1,2]"));
  EXPECT_FALSE(passes({{"a", "1"}}, "1"));
  EXPECT_TRUE(passes({{"a!", "1"}}, "[1,2]"));
}

TEST(FilterMatch, MalformedJsonJudgesWhatWasRead) {
  EXPECT_FALSE(passes({{"a", "1"}}, "{\"a\":"));
  EXPECT_FALSE(passes({{"a", "1"}}, ""));
  EXPECT_TRUE(passes({{"a", "1"}}, "{\"a\":1,"));  // decided before the error
  EXPECT_FALSE(passes({{"a", "1"}, {"b", "2"}}, "{\"a\":1,"));
}

TEST(FilterMatch, NestingAsDeepAsASmallPayloadAllows) {
  // Parsed recursively (8 KiB or less): at most 4 Ki levels.
  const std::string deep =
      "{\"a\":" + std::string(4000, '[') + std::string(4000, ']') + ",\"type\":\"edit\"}";
  ASSERT_LE(deep.size(), 8u * 1024);
  EXPECT_TRUE(passes({{"type", "edit"}}, deep));
}

TEST(FilterMatch, DeepNestingDoesNotExhaustTheStack) {
  const std::string deep =
      "{\"a\":" + std::string(200000, '[') + std::string(200000, ']') + ",\"type\":\"edit\"}";
  EXPECT_TRUE(passes({{"type", "edit"}}, deep));
}

TEST(FilterMatch, CanaryClause) {
  constexpr std::string_view kCanary = R"({"meta":{"domain":"canary"},"type":"edit"})";
  EXPECT_EQ(verdict({}, kCanary, true), Matcher::Verdict::kCanary);
  EXPECT_EQ(verdict({{"type", "edit"}}, kCanary, true), Matcher::Verdict::kCanary);
  EXPECT_EQ(verdict({}, kCanary, false), Matcher::Verdict::kPass);
  EXPECT_EQ(verdict({}, kEdit, true), Matcher::Verdict::kPass);
  EXPECT_EQ(verdict({{"type", "log"}}, kEdit, true), Matcher::Verdict::kFiltered);
  EXPECT_EQ(verdict({}, R"({"type":"edit"})", true), Matcher::Verdict::kPass);  // no domain
  EXPECT_EQ(verdict({}, R"({"meta":{"domain":"canary.org"}})", true), Matcher::Verdict::kPass);
  // The canary clause is judged before a filter on the same path.
  EXPECT_EQ(verdict({{"meta.domain", "*.org"}}, kCanary, true), Matcher::Verdict::kCanary);
}

TEST(FilterMatch, MatcherIsReusable) {
  Matcher m(filter_of({{"type", "edit"}, {"bot!", "true"}}), true);
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(m.evaluate(kEdit), Matcher::Verdict::kPass);
    EXPECT_EQ(m.evaluate(R"({"type":"edit","bot":true})"), Matcher::Verdict::kFiltered);
    EXPECT_EQ(m.evaluate(R"({"meta":{"domain":"canary"}})"), Matcher::Verdict::kCanary);
    EXPECT_EQ(m.evaluate(R"({"type":"edit"})"), Matcher::Verdict::kPass);
    EXPECT_EQ(m.evaluate("garbage"), Matcher::Verdict::kFiltered);
  }
}

// --- agreement with a DOM reference on random documents and filters ------------------------

// The field at `segments` in a DOM (first member of a name wins, as in the matcher).
FieldValue dom_field(const rapidjson::Value& doc, const std::vector<std::string>& segments) {
  const rapidjson::Value* node = &doc;
  for (const std::string& seg : segments) {
    if (!node->IsObject()) return {};
    const rapidjson::Value* next = nullptr;
    for (rapidjson::SizeType i = 0; i < node->MemberCount(); ++i) {
      const auto& m = node->MemberBegin()[i];
      if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == seg) {
        next = &m.value;
        break;
      }
    }
    if (next == nullptr) return {};
    node = next;
  }
  FieldValue f;
  if (node->IsNull()) {
    f.kind = FieldValue::Kind::kNull;
  } else if (node->IsBool()) {
    f.kind = FieldValue::Kind::kBool;
    f.boolean = node->GetBool();
  } else if (node->IsString()) {
    f.kind = FieldValue::Kind::kString;
    f.string = std::string_view(node->GetString(), node->GetStringLength());
  } else if (node->IsNumber()) {
    f.kind = FieldValue::Kind::kNumber;
    if (node->IsInt64()) {
      f.number.i = node->GetInt64();
      f.number.d = static_cast<double>(f.number.i);
    } else {
      const double d = node->GetDouble();
      f.number.d = d;
      f.number.is_int = d == std::trunc(d) && std::fabs(d) < 9e18;
      f.number.i = f.number.is_int ? static_cast<std::int64_t>(d) : 0;
    }
  } else {
    f.kind = FieldValue::Kind::kComposite;
  }
  return f;
}

bool dom_passes(const Filter& filter, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return false;
  for (const Clause& c : filter.clauses) {
    if (!c.matches(dom_field(doc, c.segments))) return false;
  }
  return true;
}

class RandomJson {
 public:
  explicit RandomJson(unsigned seed) : rng_(seed) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string scalar() {
    static const char* const kScalars[] = {
        "true", "false", "null",   "0",       "1",    "1.0",      "-2.5",  "1e2",
        "100",  "\"x\"", "\"xy\"", "\"a*b\"", "\"\"", "\"true\"", "\"1\"", "\"x\\u0079\""};
    return kScalars[pick(16)];
  }

  std::string value(int depth) {
    const int kind = depth > 0 ? pick(10) : 0;
    if (kind < 6) return scalar();
    if (kind < 8) return object(depth - 1);
    std::string out = "[";
    const int n = pick(3);
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + value(depth - 1);
    return out + "]";
  }

  std::string object(int depth) {
    static const char* const kKeys[] = {"a", "b", "c", "\\u0062"};  // the last is "b"
    std::string out = "{";
    const int n = pick(4);
    for (int i = 0; i < n; ++i) {
      out += std::string(i ? "," : "") + "\"" + kKeys[pick(4)] + "\":" + value(depth);
    }
    return out + "}";
  }

  Query query() {
    static const char* const kPaths[] = {"a", "b", "a.b", "b.c", "a.a.c", "c"};
    static const char* const kValues[] = {"true", "false", "null",     "0",     "1",  "1.0",
                                          "-2.5", "100",   "x",        "x*",    "*y", "\"a\\*b\"",
                                          "a*b",  "\"\"",  "\"true\"", "\"1\"", "*"};
    Query q;
    const int clauses = 1 + pick(3);
    for (int i = 0; i < clauses; ++i) {
      std::string values = kValues[pick(17)];
      if (pick(2)) values += std::string(",") + kValues[pick(17)];
      q.emplace_back(std::string(kPaths[pick(6)]) + (pick(3) == 0 ? "!" : ""), values);
    }
    return q;
  }

 private:
  std::mt19937 rng_;
};

TEST(FilterMatch, AgreesWithADomReference) {
  RandomJson gen(20240601);
  int passed = 0;
  for (int i = 0; i < 20000; ++i) {
    const Query q = gen.query();
    const Filter f = filter_of(q);
    const std::string json = gen.object(3);
    Matcher m(f, false);
    const bool sax = m.evaluate(json) == Matcher::Verdict::kPass;
    ASSERT_EQ(sax, dom_passes(f, json)) << f.canonical_key() << "\n" << json;
    passed += sax;
  }
  // Both outcomes were exercised.
  EXPECT_GT(passed, 1000);
  EXPECT_LT(passed, 19000);
}

}  // namespace
}  // namespace eventstreams::filter
