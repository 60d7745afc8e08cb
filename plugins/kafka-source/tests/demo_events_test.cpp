#include "demo_events.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

namespace eventstreams::kafka {
namespace {

constexpr std::int64_t kNow = 1795694401123;  // 2026-11-26T12:00:01.123Z

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  return doc;
}

std::string str(const rapidjson::Value& v, const char* key) {
  const auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsString()) return "<missing>";
  return it->value.GetString();
}

TEST(DemoEvents, KindByTopicName) {
  EXPECT_EQ(demo_kind_for_topic("eqiad.mediawiki.recentchange"), DemoKind::kRecentChange);
  EXPECT_EQ(demo_kind_for_topic("eqiad.mediawiki.revision-create"), DemoKind::kRevisionCreate);
  EXPECT_EQ(demo_kind_for_topic("eqiad.mediawiki.page_change.v1"), DemoKind::kPageChange);
  EXPECT_EQ(demo_kind_for_topic("page-change"), DemoKind::kPageChange);
  EXPECT_EQ(demo_kind_for_topic("anything"), DemoKind::kRecentChange);
}

TEST(DemoEvents, StreamDropsTheDatacenterPrefix) {
  EXPECT_EQ(demo_stream_for_topic("eqiad.mediawiki.recentchange"), "mediawiki.recentchange");
  EXPECT_EQ(demo_stream_for_topic("codfw.mediawiki.page_change.v1"), "mediawiki.page_change.v1");
  EXPECT_EQ(demo_stream_for_topic("recentchange"), "recentchange");
}

TEST(DemoEvents, RecentChangeLooksLikeTheFixture) {
  DemoEventGenerator gen(42);
  std::set<std::string> titles, domains, users;
  for (int i = 0; i < 300; ++i) {
    const std::string json =
        gen.next(DemoKind::kRecentChange, "eqiad.mediawiki.recentchange", kNow);
    ASSERT_EQ(json.find('\n'), std::string::npos);
    const auto doc = parse(json);
    ASSERT_FALSE(doc.HasParseError()) << json;
    ASSERT_TRUE(doc.IsObject());
    EXPECT_EQ(str(doc, "$schema"), "/mediawiki/recentchange/1.0.1");
    ASSERT_TRUE(doc.HasMember("meta") && doc["meta"].IsObject()) << json;
    const auto& meta = doc["meta"];
    EXPECT_EQ(str(meta, "dt"), "2026-11-26T12:00:01Z");
    EXPECT_EQ(str(meta, "stream"), "mediawiki.recentchange");
    EXPECT_EQ(str(meta, "id").size(), 36u);
    EXPECT_FALSE(meta.HasMember("topic"));  // set by the server on delivery
    ASSERT_TRUE(doc["id"].IsInt64());
    ASSERT_TRUE(doc["namespace"].IsInt());
    ASSERT_TRUE(doc["bot"].IsBool());
    ASSERT_TRUE(doc["timestamp"].IsInt64());
    EXPECT_EQ(doc["timestamp"].GetInt64(), kNow / 1000);
    ASSERT_TRUE(doc["length"].IsObject());
    ASSERT_TRUE(doc["revision"].IsObject());
    EXPECT_EQ(str(doc, "title_url").rfind("https://", 0), 0u);
    EXPECT_NE(str(doc, "wiki"), "<missing>");
    EXPECT_NE(str(doc, "parsedcomment"), "<missing>");
    titles.insert(str(doc, "title"));
    domains.insert(str(meta, "domain"));
    users.insert(str(doc, "user"));
  }
  EXPECT_GT(titles.size(), 20u);
  EXPECT_GT(domains.size(), 5u);
  EXPECT_GT(users.size(), 10u);
  EXPECT_EQ(domains.count("canary"), 1u);  // one in 200
}

TEST(DemoEvents, RevisionCreateLooksLikeTheFixture) {
  DemoEventGenerator gen(7);
  for (int i = 0; i < 100; ++i) {
    const std::string json =
        gen.next(DemoKind::kRevisionCreate, "eqiad.mediawiki.revision-create", kNow);
    const auto doc = parse(json);
    ASSERT_FALSE(doc.HasParseError()) << json;
    EXPECT_EQ(str(doc, "$schema"), "/mediawiki/revision/create/2.0.0");
    EXPECT_NE(str(doc["meta"], "domain"), "<missing>");
    EXPECT_EQ(str(doc, "page_title").find(' '), std::string::npos);
    ASSERT_TRUE(doc["performer"].IsObject()) << json;
    EXPECT_NE(str(doc["performer"], "user_text"), "<missing>");
    ASSERT_TRUE(doc["rev_id"].IsInt64());
    ASSERT_TRUE(doc["rev_slots"]["main"].IsObject());
  }
}

TEST(DemoEvents, PageChangeLooksLikeTheFixture) {
  DemoEventGenerator gen(9);
  int with_prior_state = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string json = gen.next(DemoKind::kPageChange, "mediawiki.page_change.v1", kNow);
    const auto doc = parse(json);
    ASSERT_FALSE(doc.HasParseError()) << json;
    EXPECT_EQ(str(doc, "$schema"), "/mediawiki/page/change/1.2.0");
    EXPECT_EQ(str(doc["meta"], "stream"), "mediawiki.page_change.v1");
    ASSERT_TRUE(doc["page"].IsObject());
    EXPECT_NE(str(doc["page"], "page_title"), "<missing>");
    ASSERT_TRUE(doc["performer"].IsObject());
    ASSERT_TRUE(doc["revision"]["editor"].IsObject());
    if (doc.HasMember("prior_state")) {
      ++with_prior_state;
      ASSERT_TRUE(doc["prior_state"]["revision"]["editor"].IsObject()) << json;
    }
  }
  EXPECT_GT(with_prior_state, 50);
}

TEST(DemoEvents, SameSeedSameEvents) {
  DemoEventGenerator a(1), b(1);
  EXPECT_EQ(a.next(DemoKind::kPageChange, "t", kNow), b.next(DemoKind::kPageChange, "t", kNow));
}

}  // namespace
}  // namespace eventstreams::kafka
