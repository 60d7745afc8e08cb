// Differential test: on thousands of randomly mutated events, rewrite_event must accept exactly
// what RapidJSON (UTF-8 validation on, default flags otherwise) accepts as a JSON object whose
// meta, if any, is an object, and must then produce the same document as a DOM rewrite.
//
// Known, deliberate differences, counted rather than failed:
// - RapidJSON rejects numbers too big for a double (1e400) and escaped lone surrogates
//   (\ud800); both are valid JSON, and we pass them through untouched.
// - RapidJSON reads an embedded NUL byte as the end of the text ("{}\0junk" is accepted);
//   we reject it as trailing garbage.
// - RapidJSON has no nesting limit; ours is 256.
// - RapidJSON skips a leading UTF-8 BOM, or any part of one; we reject it.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/meta_rewriter.h"
#include "rapidjson_oracle.h"

namespace eventstreams::pipeline {
namespace {

using testing::expected_rewrite;
using testing::last_member;
using testing::parse;

// Structural equality that, unlike RapidJSON's operator==, respects member order and
// duplicated names.
bool same_json(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.GetType() != b.GetType()) return false;
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto i = a.MemberBegin(), j = b.MemberBegin(); i != a.MemberEnd(); ++i, ++j) {
      if (i->name != j->name || !same_json(i->value, j->value)) return false;
    }
    return true;
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!same_json(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;  // strings by content, numbers by value
}

int max_depth(std::string_view json) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// Random edits biased towards JSON's own characters, so that many results stay valid or are
// invalid in interesting ways.
class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : rng_(seed) {}

  std::string mutate(std::string s) {
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits; ++e) edit(s);
    return s;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : rng_() % n; }

  char random_char() {
    static constexpr std::string_view kJsonish = "{}[]\":,\\ \n\t\r0123456789.-+eEtrufalsn/uU";
    if (pick(8) == 0) return static_cast<char>(pick(256));  // any byte, NUL and UTF-8 bits too
    return kJsonish[pick(kJsonish.size())];
  }

  void edit(std::string& s) {
    const std::size_t at = pick(s.size() + 1);
    switch (pick(7)) {
      case 0:  // delete a byte
        if (at < s.size()) s.erase(at, 1);
        break;
      case 1:  // insert a byte
        s.insert(at, 1, random_char());
        break;
      case 2:  // replace a byte
        if (at < s.size()) s[at] = random_char();
        break;
      case 3:  // delete a span
        s.erase(at, pick(16));
        break;
      case 4: {  // duplicate a span
        const std::string span = s.substr(at, pick(32));
        s.insert(pick(s.size() + 1), span);
        break;
      }
      case 5:  // truncate
        s.resize(at);
        break;
      default: {  // swap two bytes
        const std::size_t other = pick(s.size());
        if (at < s.size()) std::swap(s[at], s[other]);
      }
    }
  }

  std::mt19937 rng_;
};

TEST(MetaRewriterDifferential, AgreesWithRapidJsonOnMutatedEvents) {
  std::vector<std::string> seeds;
  for (const auto& [name, pretty] : testing::load_fixtures()) {
    seeds.push_back(pretty);
    seeds.push_back(testing::write_compact(parse(pretty)));
  }
  // Grammar the fixtures lack: escapes, exponents, UTF-8, nesting, empty containers.
  seeds.push_back(R"({"s":"\u00e9\n\"\\\/ é€😀","n":[-0.5e+3,0,1E2,-0],"t":true,"f":false,"z":null,)"
                  R"("o":{"a":[{},[],[[{"b":{}}]]]},"meta":{"key":"k","topic":"x"}})");
  seeds.push_back(R"({"meta":{},"m\u0065ta":{"offset":1}})");
  ASSERT_GE(seeds.size(), 10u);

  constexpr int kCases = 5000;
  const std::string_view key = "key \"1\"";
  const MetaFields meta{"eqiad.mediawiki.recentchange", 2, 77, &key};
  Mutator mutator(20240601);
  std::map<std::string, int> stats;

  for (int i = 0; i < kCases; ++i) {
    const std::string input = mutator.mutate(seeds[static_cast<std::size_t>(i) % seeds.size()]);
    std::string out = "keep";
    const bool ours = rewrite_event(input, meta, out);

    rapidjson::ParseErrorCode error;
    bool reference = testing::rapidjson_accepts_object(input, &error);
    if (reference) {
      const rapidjson::Document doc = parse(input);
      const rapidjson::Value* m = last_member(doc, "meta");
      reference = m == nullptr || m->IsObject();
    }

    if (ours == reference) {
      ++stats[ours ? "both accept" : "both reject"];
      if (!ours) {
        EXPECT_EQ(out, "keep") << input;
        continue;
      }
      const std::string result = out.substr(4);
      const rapidjson::Document got = parse(result);
      const auto expected = expected_rewrite(input, meta);
      ASSERT_TRUE(expected.has_value());
      ASSERT_FALSE(got.HasParseError()) << "input: " << input << "\noutput: " << result;
      EXPECT_TRUE(same_json(got, parse(*expected)))
          << "input: " << input << "\noutput: " << result << "\nexpected: " << *expected;
      continue;
    }

    // Disagreement: must be one of the documented differences.
    if (ours && error == rapidjson::kParseErrorNumberTooBig) {
      ++stats["known: number too big for RapidJSON"];
    } else if (ours && error == rapidjson::kParseErrorStringUnicodeSurrogateInvalid) {
      ++stats["known: escaped lone surrogate"];
    } else if (!ours && input.find('\0') != std::string::npos) {
      ++stats["known: NUL byte ends RapidJSON's input"];
    } else if (!ours && max_depth(input) > 256) {
      ++stats["known: deeper than 256"];
    } else if (const std::string_view rest = testing::skip_rapidjson_bom(input);
               !ours && rest.size() != input.size() && rewrite_event(rest, meta, out)) {
      ++stats["known: RapidJSON skips a leading BOM"];
    } else {
      ADD_FAILURE() << (ours ? "we accept, RapidJSON rejects (" : "we reject, RapidJSON accepts (")
                    << error << ") input: " << input;
    }
  }

  for (const auto& [what, count] : stats) std::printf("  %-40s %5d\n", what.c_str(), count);
  // The mutations must exercise both sides, or the test proves little.
  EXPECT_GT(stats["both accept"], kCases / 20);
  EXPECT_GT(stats["both reject"], kCases / 4);
}

}  // namespace
}  // namespace eventstreams::pipeline
