// The plugin layer: configuration, the factory's answers per request, the transform on batches.
#include "filter_plugin.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "plugin_testing/fake_host.h"

namespace eventstreams::filter {
namespace {

using eventstreams::testing::FakeHost;

const std::string kFiltered = "eventstreams_filtered_events_total{reason=\"filter\"}";
const std::string kCanaryDropped = "eventstreams_filtered_events_total{reason=\"canary\"}";

std::unique_ptr<TransformFactory> make_factory(const std::string& config_json,
                                               HostServices* host = nullptr) {
  PluginContext context;
  context.config_json = config_json;
  context.host = host;
  std::string error;
  auto f = create_factory(context, error);
  EXPECT_TRUE(f) << error;
  return f;
}

RequestInfo request(std::vector<std::pair<std::string, std::string>> query) {
  RequestInfo r;
  r.query = {query.begin(), query.end()};
  r.streams = "recentchange";
  r.client = "127.0.0.1";
  return r;
}

struct Created {
  std::unique_ptr<Transform> transform;
  std::string key;
  std::string error;
};

Created create(TransformFactory& f, std::vector<std::pair<std::string, std::string>> query) {
  Created c;
  c.key = "garbage";
  c.transform = f.create(request(std::move(query)), c.key, c.error);
  return c;
}

void add(EventBatch& b, std::string_view json, bool dropped = false) {
  Event e;
  e.offset = static_cast<std::int64_t>(b.events.size());
  e.value = b.store(json);
  e.dropped = dropped;
  b.events.push_back(e);
}

std::vector<bool> dropped(const EventBatch& b) {
  std::vector<bool> out;
  for (const auto& e : b.events) out.push_back(e.dropped);
  return out;
}

constexpr std::string_view kEnEdit =
    R"({"meta":{"domain":"en.wikipedia.org","topic":"t","partition":0,"offset":0},"type":"edit","bot":false})";
constexpr std::string_view kEnBotEdit =
    R"({"meta":{"domain":"en.wikipedia.org","topic":"t","partition":0,"offset":1},"type":"edit","bot":true})";
constexpr std::string_view kDeLog =
    R"({"meta":{"domain":"de.wikipedia.org","topic":"t","partition":0,"offset":2},"type":"log","bot":false})";
constexpr std::string_view kCanary =
    R"({"meta":{"domain":"canary","topic":"t","partition":0,"offset":3},"type":"edit","bot":false})";
constexpr std::string_view kWiktionary =
    R"({"meta":{"domain":"en.wiktionary.org","topic":"t","partition":0,"offset":4},"type":"edit"})";

EventBatch sample_batch() {
  EventBatch b;
  b.topics.push_back("t");
  add(b, kEnEdit);
  add(b, kEnBotEdit);
  add(b, kDeLog);
  add(b, kCanary);
  add(b, kWiktionary);
  return b;
}

// --- configuration ---------------------------------------------------------------------------

TEST(FilterConfig, DefaultsForEmptyAndNull) {
  std::string error;
  for (const char* text : {"", "  ", "null", "{}"}) {
    auto c = parse_config(text, error);
    ASSERT_TRUE(c) << text << ": " << error;
    EXPECT_FALSE(c->drop_canary);
    EXPECT_EQ(c->reserved, default_reserved_names());
  }
}

TEST(FilterConfig, Keys) {
  std::string error;
  auto c = parse_config(R"({"drop_canary": true, "reserved_parameters": ["format", "x"]})", error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->drop_canary);
  EXPECT_TRUE(c->reserved.count("format"));
  EXPECT_TRUE(c->reserved.count("x"));
  EXPECT_TRUE(c->reserved.count("since"));
}

TEST(FilterConfig, UnknownKeyIsNamed) {
  std::string error;
  EXPECT_FALSE(parse_config(R"({"drop_canary": true, "drop_kanary": true})", error));
  EXPECT_EQ(error, R"(filter config: unknown key "drop_kanary" (did you mean "drop_canary"?))");
}

TEST(FilterConfig, WrongTypes) {
  std::string error;
  EXPECT_FALSE(parse_config(R"({"drop_canary": "yes"})", error));
  EXPECT_NE(error.find("\"drop_canary\" must be a boolean, got a string"), std::string::npos)
      << error;
  EXPECT_FALSE(parse_config(R"({"reserved_parameters": "since"})", error));
  EXPECT_NE(error.find(R"("reserved_parameters" must be a list of strings, got a string)"),
            std::string::npos)
      << error;
  EXPECT_FALSE(parse_config(R"({"reserved_parameters": ["a", 1]})", error));
  EXPECT_NE(error.find(R"("reserved_parameters"[1] must be a string, got a number)"),
            std::string::npos)
      << error;
  EXPECT_FALSE(parse_config(R"({"reserved_parameters": [""]})", error));
  EXPECT_NE(error.find("an empty string"), std::string::npos) << error;
  EXPECT_FALSE(parse_config(R"([1])", error));
  EXPECT_NE(error.find("expected a JSON object"), std::string::npos) << error;
  EXPECT_FALSE(parse_config(R"({"drop_canary": tru})", error));
  EXPECT_NE(error.find("invalid JSON"), std::string::npos) << error;
}

TEST(FilterConfig, FactoryRefusesBadConfig) {
  PluginContext context;
  context.config_json = R"({"bogus": 1})";
  std::string error;
  EXPECT_EQ(create_factory(context, error), nullptr);
  EXPECT_NE(error.find("unknown key \"bogus\""), std::string::npos) << error;
}

// --- the factory per request -----------------------------------------------------------------

TEST(FilterFactory, NothingToDoWithoutFilterOrCanaryDrop) {
  auto f = make_factory("");
  auto c = create(*f, {});
  EXPECT_EQ(c.transform, nullptr);
  EXPECT_EQ(c.error, "");
  EXPECT_EQ(c.key, "");
  c = create(*f, {{"since", "1700000000000"}});
  EXPECT_EQ(c.transform, nullptr);
  EXPECT_EQ(c.error, "");
}

TEST(FilterFactory, SyntaxErrorComesBackAsError) {
  auto f = make_factory("");
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"type", ""}, {"a..b", "x"}, {"", "x"}, {"t", "\"x"}, {"a b", "x"}, {"bot!!", "x"}}) {
    auto c = create(*f, {{name, value}});
    EXPECT_EQ(c.transform, nullptr) << name;
    EXPECT_FALSE(c.error.empty()) << name;
    EXPECT_EQ(c.key, "") << name;
  }
}

TEST(FilterFactory, GroupKeysAreCanonical) {
  auto f = make_factory("");
  auto a = create(*f, {{"meta.domain", "en.wikipedia.org,*.wiktionary.org"}, {"type", "edit"}});
  auto b = create(*f, {{"type", "\"edit\""}, {"meta.domain", "*.wiktionary.org,en.wikipedia.org"}});
  auto other = create(*f, {{"type", "edit"}});
  ASSERT_NE(a.transform, nullptr) << a.error;
  ASSERT_NE(b.transform, nullptr) << b.error;
  EXPECT_EQ(a.key, b.key);
  EXPECT_NE(a.key, other.key);
  EXPECT_FALSE(a.key.empty());
}

TEST(FilterFactory, CanaryDropGivesATransformWithoutFilter) {
  auto f = make_factory(R"({"drop_canary": true})");
  auto c = create(*f, {});
  ASSERT_NE(c.transform, nullptr) << c.error;
  EXPECT_EQ(c.key, "");
  auto filtered = create(*f, {{"type", "edit"}});
  ASSERT_NE(filtered.transform, nullptr);
  EXPECT_NE(filtered.key, "");
}

TEST(FilterFactory, AcceptsParameter) {
  auto f = make_factory(R"({"reserved_parameters": ["format"]})");
  EXPECT_TRUE(f->accepts_parameter("meta.domain"));
  EXPECT_TRUE(f->accepts_parameter("bot!"));
  EXPECT_FALSE(f->accepts_parameter("since"));
  EXPECT_FALSE(f->accepts_parameter("format"));
  EXPECT_FALSE(f->accepts_parameter("a..b"));
  EXPECT_FALSE(f->accepts_parameter(""));
}

// --- the transform ---------------------------------------------------------------------------

TEST(FilterTransform, DropsWhatDoesNotMatch) {
  FakeHost host;
  auto f = make_factory("", &host);
  auto c = create(*f, {{"meta.domain", "*.wikipedia.org"}, {"type", "edit"}, {"bot!", "true"}});
  ASSERT_NE(c.transform, nullptr) << c.error;
  EventBatch b = sample_batch();
  const std::string arena_before = b.arena;
  c.transform->apply(b);
  // Without drop_canary the canary event is an ordinary event of its domain ("canary").
  EXPECT_EQ(dropped(b), (std::vector<bool>{false, true, true, true, true}));
  EXPECT_EQ(b.arena, arena_before);  // payloads untouched
  EXPECT_EQ(host.value(kFiltered), 4u);
  EXPECT_EQ(host.value(kCanaryDropped), 0u);
}

TEST(FilterTransform, AlreadyDroppedEventsAreLeftAlone) {
  FakeHost host;
  auto f = make_factory("", &host);
  auto c = create(*f, {{"type", "log"}});
  ASSERT_NE(c.transform, nullptr);
  EventBatch b;
  b.topics.push_back("t");
  add(b, kDeLog, /*dropped=*/true);  // would match: stays dropped
  add(b, kEnEdit, /*dropped=*/true);
  add(b, kDeLog);
  add(b, kEnEdit);
  const std::vector<Event> before = b.events;
  c.transform->apply(b);
  EXPECT_EQ(dropped(b), (std::vector<bool>{true, true, false, true}));
  EXPECT_EQ(host.value(kFiltered), 1u);  // only the newly dropped one counts
  for (std::size_t i = 0; i < b.events.size(); ++i) {
    EXPECT_EQ(b.events[i].value.offset, before[i].value.offset);
    EXPECT_EQ(b.events[i].value.length, before[i].value.length);
    EXPECT_EQ(b.events[i].offset, before[i].offset);
  }
}

TEST(FilterTransform, CanaryDropWithoutFilter) {
  FakeHost host;
  auto f = make_factory(R"({"drop_canary": true})", &host);
  auto c = create(*f, {});
  ASSERT_NE(c.transform, nullptr);
  EventBatch b = sample_batch();
  c.transform->apply(b);
  EXPECT_EQ(dropped(b), (std::vector<bool>{false, false, false, true, false}));
  EXPECT_EQ(host.value(kCanaryDropped), 1u);
  EXPECT_EQ(host.value(kFiltered), 0u);
}

TEST(FilterTransform, CanaryDropWithFilter) {
  FakeHost host;
  auto f = make_factory(R"({"drop_canary": true})", &host);
  // The canary event matches this filter, yet is dropped.
  auto c = create(*f, {{"type", "edit"}, {"bot", "false"}});
  ASSERT_NE(c.transform, nullptr);
  EventBatch b = sample_batch();
  c.transform->apply(b);
  EXPECT_EQ(dropped(b), (std::vector<bool>{false, true, true, true, true}));
  EXPECT_EQ(host.value(kCanaryDropped), 1u);
  EXPECT_EQ(host.value(kFiltered), 3u);
}

TEST(FilterTransform, ReservedNamesAreIgnored) {
  auto f = make_factory("");
  auto c = create(*f, {{"since", "2024-01-01T00:00:00Z"}, {"type", "log"}});
  ASSERT_NE(c.transform, nullptr) << c.error;
  EXPECT_EQ(c.key, "type=\"log\"");
  EventBatch b = sample_batch();
  c.transform->apply(b);
  EXPECT_EQ(dropped(b), (std::vector<bool>{true, true, false, true, true}));
}

TEST(FilterTransform, WorksWithoutHostServices) {
  auto f = make_factory(R"({"drop_canary": true})");
  auto c = create(*f, {{"type", "edit"}});
  ASSERT_NE(c.transform, nullptr);
  EventBatch b = sample_batch();
  c.transform->apply(b);
  EXPECT_EQ(dropped(b), (std::vector<bool>{false, false, true, true, false}));
}

TEST(FilterTransform, EmptyBatch) {
  auto f = make_factory("");
  auto c = create(*f, {{"type", "edit"}});
  EventBatch b;
  c.transform->apply(b);
  EXPECT_TRUE(b.events.empty());
}

}  // namespace
}  // namespace eventstreams::filter
