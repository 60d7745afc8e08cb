// Properties of the redaction over the sample events (tests/fixtures/events) and over random
// events, checked against a straightforward reference written on a RapidJSON DOM.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "redaction_config.h"
#include "redaction_transform.h"
#include "test_support.h"
#include "title.h"

namespace eventstreams::redaction {
namespace {

using rapidjson::Value;
using testing::compact;
using testing::make_batch;
using testing::to_json;

// ---- The reference: SPEC 3 on a DOM --------------------------------------------------------

std::string_view text_of(const Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// Every value at `path` (all duplicates at every level).
void values_at(Value& object, const Path& path, std::size_t index, std::vector<Value*>& out) {
  if (!object.IsObject()) return;
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    auto& m = object.MemberBegin()[i];
    if (text_of(m.name) != path[index]) continue;
    if (index + 1 == path.size()) {
      out.push_back(&m.value);
    } else {
      values_at(m.value, path, index + 1, out);
    }
  }
}

void remove_at(Value& object, const Path& path, std::size_t index) {
  if (!object.IsObject()) return;
  for (rapidjson::SizeType i = 0; i < object.MemberCount();) {
    auto& m = object.MemberBegin()[i];
    if (text_of(m.name) != path[index]) {
      ++i;
    } else if (index + 1 == path.size()) {
      object.EraseMember(object.MemberBegin() + i);  // keeps the order of the others
    } else {
      remove_at(m.value, path, index + 1);
      ++i;
    }
  }
}

std::vector<std::string> strings_at(Value& doc, const Path& path) {
  std::vector<Value*> values;
  values_at(doc, path, 0, values);
  std::vector<std::string> out;
  for (Value* v : values) {
    if (v->IsString()) out.emplace_back(text_of(*v));
  }
  return out;
}

// Applies SPEC 3 to `doc`; returns the index of the rule applied, or -1.
int reference_redact(rapidjson::Document& doc, const RedactionConfig& config) {
  if (!doc.IsObject()) return -1;
  std::vector<const TitleSet*> listed;
  for (const auto& d : strings_at(doc, {"meta", "domain"})) {
    auto it = config.pages.find(d);
    if (it != config.pages.end()) listed.push_back(&it->second);
  }
  if (listed.empty()) return -1;
  const auto streams = strings_at(doc, {"meta", "stream"});
  for (std::size_t r = 0; r < config.rules.size(); ++r) {
    const Rule& rule = config.rules[r];
    if (rule.stream && std::find(streams.begin(), streams.end(), *rule.stream) == streams.end()) {
      continue;
    }
    bool matched = false;
    for (const Path& p : rule.title_paths) {
      for (const auto& t : strings_at(doc, p)) {
        const std::string n = normalized_title(t);
        for (const TitleSet* s : listed) matched = matched || (!n.empty() && s->count(n));
      }
    }
    if (!matched) continue;
    for (const Path& p : rule.empty) {
      std::vector<Value*> values;
      values_at(doc, p, 0, values);
      for (Value* v : values) v->SetObject();
    }
    for (const Path& p : rule.remove) remove_at(doc, p, 0);
    return static_cast<int>(r);
  }
  return -1;
}

// ---- Running the plugin --------------------------------------------------------------------

struct Harness {
  explicit Harness(const std::string& config_json) {
    std::string error;
    auto parsed = parse_config(config_json, error);
    EXPECT_TRUE(parsed) << error;
    config = std::make_shared<RedactionConfig>(std::move(*parsed));
    PluginContext context;
    context.config_json = config_json;
    factory = create_factory(context, error);
    EXPECT_NE(factory, nullptr) << error;
    std::string key;
    transform = factory->create(RequestInfo{}, key, error);
    EXPECT_NE(transform, nullptr) << error;
  }
  std::string run(const std::string& payload, bool* dropped = nullptr) {
    EventBatch batch = make_batch({payload});
    transform->apply(batch);
    if (dropped) *dropped = batch.events[0].dropped;
    return std::string(batch.value(batch.events[0]));
  }
  std::shared_ptr<RedactionConfig> config;
  std::unique_ptr<TransformFactory> factory;
  std::unique_ptr<Transform> transform;
};

std::string json_string(std::string_view s) {
  Value v(rapidjson::StringRef(s.data(), s.size()));
  return to_json(v);
}

// ---- Fixtures ------------------------------------------------------------------------------

struct Fixture {
  std::string name;
  rapidjson::Document doc;
};

std::vector<std::unique_ptr<Fixture>> load_fixtures() {
  std::vector<std::unique_ptr<Fixture>> out;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(ES_REDACTION_FIXTURES_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto fx = std::make_unique<Fixture>();
    fx->name = f.filename().string();
    const std::string text = testing::read_file(f.string());
    fx->doc.Parse(text.data(), text.size());
    EXPECT_FALSE(fx->doc.HasParseError()) << fx->name;
    EXPECT_TRUE(fx->doc.IsObject()) << fx->name;
    out.push_back(std::move(fx));
  }
  return out;
}

void set_member(rapidjson::Document& doc, Value& object, const char* name, const std::string& s) {
  Value v(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), doc.GetAllocator());
  if (object.HasMember(name)) {
    object[name] = v;
  } else {
    object.AddMember(Value(name, doc.GetAllocator()), v, doc.GetAllocator());
  }
}

// Where the default rules name user information, for the rule applied.
void expect_rule_fields_gone(const rapidjson::Document& out, const Rule& rule,
                             const std::string& what) {
  auto& doc = const_cast<rapidjson::Document&>(out);
  for (const Path& p : rule.remove) {
    std::vector<Value*> values;
    values_at(doc, p, 0, values);
    EXPECT_TRUE(values.empty()) << what << ": " << join_path(p) << " remains";
  }
  for (const Path& p : rule.empty) {
    std::vector<Value*> values;
    values_at(doc, p, 0, values);
    for (Value* v : values) {
      EXPECT_TRUE(v->IsObject() && v->MemberCount() == 0) << what << ": " << join_path(p);
    }
  }
}

TEST(RedactionProperty, FixturesFoundAndCompact) {
  const auto fixtures = load_fixtures();
  EXPECT_GE(fixtures.size(), 5u);
}

TEST(RedactionProperty, EveryFixtureWithItsTitleListedIsRedactedAsTheReferenceSays) {
  const auto fixtures = load_fixtures();
  ASSERT_FALSE(fixtures.empty());
  std::set<int> rules_applied;
  for (const auto& fx : fixtures) {
    for (const char* stream : {"", "mediawiki.page_change.v1", "mediawiki.recentchange",
                               "mediawiki.revision-create", "some.other.stream"}) {
      rapidjson::Document doc;
      doc.CopyFrom(fx->doc, doc.GetAllocator());
      if (!doc.HasMember("meta") || !doc["meta"].IsObject()) {
        doc.AddMember("meta", Value(rapidjson::kObjectType), doc.GetAllocator());
      }
      Value& meta = doc["meta"];
      if (!meta.HasMember("domain")) set_member(doc, meta, "domain", "fixture.example.org");
      if (*stream) set_member(doc, meta, "stream", stream);
      const std::string domain(text_of(meta["domain"]));
      const std::string what = fx->name + " as " + (*stream ? stream : "its own stream");

      // List its page title (in another spelling) for its domain.
      std::vector<std::string> titles;
      for (const Path& p : {Path{"page", "page_title"}, Path{"page_title"}, Path{"title"}}) {
        for (const auto& t : strings_at(doc, p)) titles.push_back(t);
      }
      ASSERT_FALSE(titles.empty()) << what;
      std::string list;
      for (std::string t : titles) {
        std::replace(t.begin(), t.end(), '_', ' ');
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) {
          return static_cast<char>(c < 0x80 ? std::toupper(c) : c);
        });
        list += (list.empty() ? "" : ",") + json_string("  " + t + " ");
      }
      Harness h(R"({"mediawiki_redacted_pages":{)" + json_string(domain) + ":[" + list + "]}}");

      const std::string payload = to_json(doc);
      bool dropped = true;
      const std::string out = h.run(payload, &dropped);
      EXPECT_FALSE(dropped) << what;

      rapidjson::Document expected;
      expected.CopyFrom(doc, expected.GetAllocator());
      const int rule = reference_redact(expected, *h.config);
      rules_applied.insert(rule);
      // Byte for byte what the reference gives: the named fields gone, every other byte kept.
      EXPECT_EQ(out, to_json(expected)) << what;

      rapidjson::Document got;
      got.Parse(out.data(), out.size());
      ASSERT_FALSE(got.HasParseError()) << what << ": " << out;
      EXPECT_EQ(to_json(got["meta"]), to_json(doc["meta"])) << what;
      if (rule >= 0) {
        expect_rule_fields_gone(got, h.config->rules[rule], what);
      } else {
        EXPECT_EQ(out, payload) << what;
      }
      // Listed under another domain only: not a byte changes.
      Harness other(R"({"mediawiki_redacted_pages":{"not.)" + domain + "\":[" + list + "]}}");
      EXPECT_EQ(other.run(payload), payload) << what;
    }
  }
  // Each default rule was exercised by some fixture.
  EXPECT_TRUE(rules_applied.count(0));
  EXPECT_TRUE(rules_applied.count(1));
  EXPECT_TRUE(rules_applied.count(2));
}

TEST(RedactionProperty, NoPerformerUserOrEditorLeftInRedactedFixtures) {
  // The plain statement of the property for the fixtures' own streams plus the two streams
  // with specific rules.
  const auto fixtures = load_fixtures();
  for (const auto& fx : fixtures) {
    for (const char* stream : {"", "mediawiki.page_change.v1", "mediawiki.recentchange"}) {
      rapidjson::Document doc;
      doc.CopyFrom(fx->doc, doc.GetAllocator());
      if (!doc.HasMember("meta"))
        doc.AddMember("meta", Value(rapidjson::kObjectType), doc.GetAllocator());
      set_member(doc, doc["meta"], "domain", "w.example.org");
      if (*stream) set_member(doc, doc["meta"], "stream", stream);
      const std::string s =
          doc["meta"].HasMember("stream") ? std::string(text_of(doc["meta"]["stream"])) : "";
      std::string list;
      for (const Path& p : {Path{"page", "page_title"}, Path{"page_title"}, Path{"title"}}) {
        for (const auto& t : strings_at(doc, p)) list += (list.empty() ? "" : ",") + json_string(t);
      }
      Harness h(R"({"mediawiki_redacted_pages":{"w.example.org":[)" + list + "]}}");
      rapidjson::Document got;
      const std::string out = h.run(to_json(doc));
      got.Parse(out.data(), out.size());
      ASSERT_TRUE(got.IsObject()) << out;
      const std::string what = fx->name + " " + s;
      if (s == "mediawiki.page_change.v1" && got.HasMember("page")) {
        if (got.HasMember("performer")) {
          EXPECT_EQ(to_json(got["performer"]), "{}") << what;
        }
        if (got.HasMember("revision")) {
          EXPECT_FALSE(got["revision"].HasMember("editor")) << what;
        }
        if (got.HasMember("prior_state") && got["prior_state"].HasMember("revision")) {
          EXPECT_FALSE(got["prior_state"]["revision"].HasMember("editor")) << what;
        }
      } else if (s == "mediawiki.recentchange" && got.HasMember("title")) {
        EXPECT_FALSE(got.HasMember("user")) << what;
      } else {
        EXPECT_FALSE(got.HasMember("performer")) << what;
      }
    }
  }
}

// ---- Random events against the reference ---------------------------------------------------

class RandomEvents {
 public:
  explicit RandomEvents(unsigned seed) : rng_(seed) {}

  std::string event() {
    std::string out = ws() + "{";
    const int n = pick(0, 7);
    bool first = true;
    const auto member = [&](const std::string& key, const std::string& value) {
      out += (first ? "" : ",") + ws() + key_text(key) + ws() + ":" + ws() + value + ws();
      first = false;
    };
    if (pick(0, 9) > 0) member("meta", meta());
    for (int i = 0; i < n; ++i) {
      static const char* keys[] = {"title",    "page_title",  "page", "performer", "user",
                                   "revision", "prior_state", "meta", "x",         "editor"};
      const std::string key = keys[pick(0, 9)];
      member(key, value_for(key, 0));
    }
    return out + "}" + ws();
  }

 private:
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::string ws() {
    static const char* spaces[] = {"", "", "", "", " ", "\n", "\t "};
    return spaces[pick(0, 6)];
  }
  // A key, sometimes with one letter written as a \u escape.
  std::string key_text(const std::string& key) {
    if (key.empty() || pick(0, 5) > 0) return "\"" + key + "\"";
    const std::size_t i = static_cast<std::size_t>(pick(0, static_cast<int>(key.size()) - 1));
    char esc[8];
    std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned char>(key[i]));
    return "\"" + key.substr(0, i) + esc + key.substr(i + 1) + "\"";
  }
  std::string title() {
    static const char* titles[] = {"\"Alpha\"",
                                   "\"alpha \"",
                                   "\"Beta_gamma\"",
                                   "\"beta  GAMMA\"",
                                   "\"Delta\"",
                                   "\"404\"",
                                   "\"\"",
                                   "404",
                                   "null",
                                   "\"Al\\u0070ha\"",
                                   "\"Beta\\u005fgamma\""};
    return titles[pick(0, 10)];
  }
  std::string meta() {
    static const char* domains[] = {"\"w1\"", "\"w2\"", "\"W1\"", "\"w3\"", "\"w\\u0031\"", "1"};
    static const char* streams[] = {"\"mediawiki.page_change.v1\"", "\"mediawiki.recentchange\"",
                                    "\"s\"", "\"mediawiki.recentchang\\u0065\""};
    std::vector<std::string> members;
    if (pick(0, 4) > 0) members.push_back(key_text("domain") + ":" + domains[pick(0, 5)]);
    if (pick(0, 3) > 0) members.push_back(key_text("stream") + ":" + streams[pick(0, 3)]);
    if (pick(0, 3) == 0) members.push_back("\"dt\":\"2020-01-01T00:00:00Z\"");
    if (pick(0, 9) == 0) members.push_back(key_text("domain") + ":" + domains[pick(0, 5)]);
    std::shuffle(members.begin(), members.end(), rng_);
    std::string out = "{";
    for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
    return out + "}";
  }
  std::string scalar() {
    static const char* scalars[] = {
        "1",       "-2.5e10", "true",        "false",
        "null",    "\"s\"",   "\"q\\\"}]\"", "123456789012345678901234567890",
        "\"\\\\\""};
    return scalars[pick(0, 8)];
  }
  std::string value_for(const std::string& key, int depth) {
    if (key == "title" || key == "page_title") return title();
    if (depth > 3 || pick(0, 3) == 0)
      return pick(0, 1) ? scalar() : "[" + scalar() + "," + scalar() + "]";
    std::string out = "{";
    bool first = true;
    for (int i = pick(0, 4); i > 0; --i) {
      static const char* keys[] = {"page_title", "editor", "revision",
                                   "user_text",  "x",      "performer"};
      const std::string k = keys[pick(0, 5)];
      out += (first ? "" : ",") + key_text(k) + ":" + value_for(k, depth + 1);
      first = false;
    }
    return out + "}";
  }

  std::mt19937 rng_;
};

void check_random_events(const std::string& config_json, unsigned seed, int min_redacted) {
  Harness h(config_json);
  RandomEvents gen(seed);
  int redacted = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string payload = gen.event();
    rapidjson::Document doc;
    doc.Parse(payload.data(), payload.size());
    ASSERT_FALSE(doc.HasParseError()) << payload;
    bool dropped = true;
    const std::string out = h.run(payload, &dropped);
    ASSERT_FALSE(dropped) << payload;
    const int rule = reference_redact(doc, *h.config);
    if (rule < 0) {
      ASSERT_EQ(out, payload);
      continue;
    }
    ++redacted;
    rapidjson::Document got;
    got.Parse(out.data(), out.size());
    ASSERT_FALSE(got.HasParseError()) << payload << "\n-> " << out;
    ASSERT_EQ(to_json(got), to_json(doc)) << payload << "\n-> " << out;
  }
  EXPECT_GT(redacted, min_redacted);
}

TEST(RedactionProperty, TruncatedOrCorruptedPayloadsAreHandledSafely) {
  // Never produced by the host (it validates payloads), but the scanner must stay inside the
  // payload (ASan builds check that) and only ever remove bytes here.
  Harness h(R"({"mediawiki_redacted_pages":{"w":["P"]}})");
  const std::string event =
      R"({"meta":{"domain":"w","stream":"mediawiki.recentchange"},"title":"P","user":"u\"x",)"
      R"("page_title":"P","performer":{"a":[1,{"b":"}"}]},"n":-1.5e3})";
  for (std::size_t n = 0; n < event.size(); ++n) {
    for (const std::string& payload :
         {event.substr(0, n), event.substr(0, n) + "}" + event.substr(n + 1),
          event.substr(0, n) + "\"" + event.substr(n + 1)}) {
      bool dropped = false;
      const std::string out = h.run(payload, &dropped);
      // The rules that can apply here only remove members.
      if (!dropped) {
        EXPECT_LE(out.size(), payload.size()) << payload << " -> " << out;
      }
    }
  }
}

TEST(RedactionProperty, RandomEventsMatchTheReferenceWithDefaultRules) {
  check_random_events(R"({"mediawiki_redacted_pages":{"w1":["alpha","Beta gamma"],"w3":[404]}})", 1,
                      1000);
}

TEST(RedactionProperty, RandomEventsMatchTheReferenceWithCustomRules) {
  check_random_events(R"({"mediawiki_redacted_pages":{"w1":["alpha"],"w2":["beta gamma"]},
      "rules":[{"stream":"s","title_paths":["page.page_title","title"],
                "remove":["revision","page.performer"],"empty":["user","revision.editor"]},
               {"title_paths":["revision.page_title"],"remove":["revision.editor.user_text"],
                "empty":["page.revision"]}]})",
                      2, 300);
}

}  // namespace
}  // namespace eventstreams::redaction
