// The redaction transform on event batches: SPEC 3 and the redaction cases of SPEC 7.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "redaction_transform.h"
#include "test_support.h"
#include "title.h"

namespace eventstreams::redaction {
namespace {

using testing::FakeHost;
using testing::make_batch;

constexpr const char* kPages =
    R"({"mediawiki_redacted_pages":{"en.wikipedia.org":["Redact this","Secret_Page",false,404]}})";

class RedactionTest : public ::testing::Test {
 protected:
  void configure(const std::string& json, const std::string& client = "198.51.100.7") {
    PluginContext context;
    context.config_json = json;
    context.host = &host_;
    std::string error;
    factory_ = create_factory(context, error);
    ASSERT_NE(factory_, nullptr) << error;
    RequestInfo request;
    request.client = client;
    request.streams = "recentchange";
    std::string key = "unset";
    transform_ = factory_->create(request, key, error);
    ASSERT_NE(transform_, nullptr) << error;
    EXPECT_EQ(key, "");
    EXPECT_EQ(error, "");
  }

  // Runs one payload through the transform and returns what comes out.
  std::string run(const std::string& payload) {
    EventBatch batch = make_batch({payload});
    transform_->apply(batch);
    EXPECT_FALSE(batch.events[0].dropped);
    return std::string(batch.value(batch.events[0]));
  }

  void expect_untouched(const std::string& payload) {
    EventBatch batch = make_batch({payload});
    const std::string arena = batch.arena;
    const Event before = batch.events[0];
    transform_->apply(batch);
    EXPECT_EQ(batch.arena, arena) << payload;  // nothing stored, nothing moved
    EXPECT_EQ(batch.events[0].value.offset, before.value.offset);
    EXPECT_EQ(batch.events[0].value.length, before.value.length);
    EXPECT_FALSE(batch.events[0].dropped);
  }

  std::uint64_t redactions(const std::string& domain, const std::string& stream) const {
    return host_.value("eventstreams_redactions_total{domain=\"" + domain + "\",stream=\"" +
                       stream + "\"}");
  }

  FakeHost host_;
  std::unique_ptr<TransformFactory> factory_;
  std::unique_ptr<Transform> transform_;
};

// Rule 2, recentchange. The meta block is what the host writes (topic/partition/offset last).
const std::string kRecentChange =
    R"({"$schema":"/mediawiki/recentchange/1.0.1","meta":{"uri":"https://en.wikipedia.org/wiki/Redact_this","domain":"en.wikipedia.org","stream":"mediawiki.recentchange","topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42},"id":1.0E3,"type":"edit","title":"Redact this","comment":"caf\u00e9 \/ x","user":"Someone","bot":false})";
const std::string kRecentChangeRedacted =
    R"({"$schema":"/mediawiki/recentchange/1.0.1","meta":{"uri":"https://en.wikipedia.org/wiki/Redact_this","domain":"en.wikipedia.org","stream":"mediawiki.recentchange","topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42},"id":1.0E3,"type":"edit","title":"Redact this","comment":"caf\u00e9 \/ x","bot":false})";

const std::string kPageChange =
    R"({"$schema":"/mediawiki/page/change/1.2.0","meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1","topic":"eqiad.mediawiki.page_change.v1","partition":3,"offset":7},"page":{"page_id":1,"page_title":"Secret_Page"},"performer":{"user_id":123,"user_text":"yoohoo"},"revision":{"rev_id":2,"editor":{"user_id":123,"user_text":"example"},"is_editor_visible":true},"prior_state":{"revision":{"rev_id":1,"editor":{"user_id":9}}},"wiki_id":"enwiki"})";
const std::string kPageChangeRedacted =
    R"({"$schema":"/mediawiki/page/change/1.2.0","meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1","topic":"eqiad.mediawiki.page_change.v1","partition":3,"offset":7},"page":{"page_id":1,"page_title":"Secret_Page"},"performer":{},"revision":{"rev_id":2,"is_editor_visible":true},"prior_state":{"revision":{"rev_id":1}},"wiki_id":"enwiki"})";

TEST_F(RedactionTest, Rule2RecentChangeLosesUserOnly) {
  configure(kPages);
  EXPECT_EQ(run(kRecentChange), kRecentChangeRedacted);
}

TEST_F(RedactionTest, Rule1PageChangeEmptiesPerformerAndRemovesEditors) {
  configure(kPages);
  EXPECT_EQ(run(kPageChange), kPageChangeRedacted);
}

TEST_F(RedactionTest, Rule1MissingRevisionIsNotAnError) {
  configure(kPages);
  const std::string in =
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1"},"page":{"page_title":"Redact this"},"performer":{"user_text":"x"},"changelog_kind":"delete"})";
  EXPECT_EQ(
      run(in),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1"},"page":{"page_title":"Redact this"},"performer":{},"changelog_kind":"delete"})");
  // prior_state without a revision, revision that is not an object.
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1"},"page":{"page_title":"Redact this"},"revision":null,"prior_state":{"page":1},"performer":{"a":1}})"),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1"},"page":{"page_title":"Redact this"},"revision":null,"prior_state":{"page":1},"performer":{}})");
}

TEST_F(RedactionTest, Rule1DoesNotAddAMissingPerformer) {
  configure(kPages);
  const std::string in =
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1"},"page":{"page_title":"Redact this"},"revision":{"editor":{"user_id":1},"rev_id":5}})";
  EXPECT_EQ(
      run(in),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change.v1"},"page":{"page_title":"Redact this"},"revision":{"rev_id":5}})");
}

TEST_F(RedactionTest, Rule3AnyStreamPageTitleRemovesPerformer) {
  configure(kPages);
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.revision-create"},"page_title":"Redact_this","performer":{"user_text":"x"},"rev_id":1})"),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.revision-create"},"page_title":"Redact_this","rev_id":1})");
  // page.page_title, and a stream rule 1 does not name (the page_change fixture's stream).
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change"},"page":{"page_title":"secret page"},"performer":{"user_text":"x"},"revision":{"editor":{"user_id":1}}})"),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.page_change"},"page":{"page_title":"secret page"},"revision":{"editor":{"user_id":1}}})");
  // No meta.stream at all.
  EXPECT_EQ(run(R"({"meta":{"domain":"en.wikipedia.org"},"page_title":"404","performer":1})"),
            R"({"meta":{"domain":"en.wikipedia.org"},"page_title":"404"})");
}

TEST_F(RedactionTest, OnlyTheFirstMatchingRuleApplies) {
  configure(kPages);
  // Rule 3 would also match page_change (page.page_title) and remove the emptied performer.
  const std::string out = run(kPageChange);
  EXPECT_NE(out.find(R"("performer":{})"), std::string::npos) << out;
  // Recentchange with a page_title too: rule 2 applies, rule 3's performer removal does not.
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Redact this","page_title":"Redact this","user":"u","performer":{"a":1}})"),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Redact this","page_title":"Redact this","performer":{"a":1}})");
  // Rule 2's stream but its title does not match: the next rules are tried.
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Other","page_title":"Redact this","user":"u","performer":{"a":1}})"),
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"Other","page_title":"Redact this","user":"u"})");
}

TEST_F(RedactionTest, OtherDomainsAreUntouchedByteForByte) {
  configure(kPages);
  std::string other = kRecentChange;
  other.replace(other.find(R"("domain":"en.wikipedia.org")"), 27, R"("domain":"de.wikipedia.org")");
  expect_untouched(other);
  std::string page_change = kPageChange;
  page_change.replace(page_change.find("en.wikipedia.org"), 16, "fr.wikipedia.org");
  expect_untouched(page_change);
  // Not compact, odd number forms, escapes: still not a byte changed.
  expect_untouched(
      "{ \"meta\" : { \"domain\" : \"xx.wikipedia.org\" } , \"title\" : \"Redact this\" , "
      "\"user\" : \"u\", \"n\": -0.0e-0, \"s\": \"\\u0041\\/\" }");
  EXPECT_EQ(host_.logs_with("redacted").size(), 0u);
}

TEST_F(RedactionTest, DomainMatchIsCaseSensitiveAndExact) {
  configure(kPages);
  for (const char* domain : {"EN.wikipedia.org", "en.wikipedia.org.", "en.wikipedia.org ",
                             "wikipedia.org", "xen.wikipedia.org"}) {
    std::string event = kRecentChange;
    event.replace(event.find(R"("domain":"en.wikipedia.org")") + 10, 16, domain);
    expect_untouched(event);
  }
}

TEST_F(RedactionTest, NoTitleOrEmptyEventPassesUntouched) {
  configure(kPages);
  expect_untouched("{}");
  expect_untouched("");
  expect_untouched(
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"user":"u"})");
  expect_untouched(R"({"meta":{"domain":"en.wikipedia.org"},"performer":{"user_text":"x"}})");
  expect_untouched(R"({"meta":{"domain":"en.wikipedia.org"},"page_title":null,"performer":1})");
  expect_untouched(R"({"meta":{"domain":"en.wikipedia.org"},"page_title":"","performer":1})");
  expect_untouched(R"({"meta":{"domain":"en.wikipedia.org"},"page_title":404,"performer":1})");
  expect_untouched(R"({"meta":{"domain":"en.wikipedia.org"},"page":"Redact this","performer":1})");
  // Not objects.
  expect_untouched(R"(["en.wikipedia.org","Redact this"])");
  expect_untouched(R"("Redact this")");
  expect_untouched("404");
  // meta or domain of another type.
  expect_untouched(R"({"meta":"en.wikipedia.org","page_title":"Redact this","performer":1})");
  expect_untouched(
      R"({"meta":{"domain":["en.wikipedia.org"]},"page_title":"Redact this","performer":1})");
  EXPECT_EQ(host_.logs_with("redacted").size(), 0u);
}

TEST_F(RedactionTest, ConfigEntriesFalseAnd404MatchTitlesFalseAnd404) {
  configure(kPages);
  for (const char* title : {"false", "False", "404", " 404 "}) {
    const std::string in =
        std::string(
            R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":")") +
        title + R"(","user":"u"})";
    const std::string out = run(in);
    EXPECT_EQ(out.find("\"user\""), std::string::npos) << out;
  }
  // "true" and "40" are not listed.
  expect_untouched(
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"true","user":"u"})");
  expect_untouched(
      R"({"meta":{"domain":"en.wikipedia.org","stream":"mediawiki.recentchange"},"title":"40","user":"u"})");
}

TEST_F(RedactionTest, RedactedEventKeepsItsMetaAndIds) {
  configure(kPages);
  EventBatch batch = make_batch({kRecentChange, kPageChange});
  const std::vector<Event> before = batch.events;
  const std::string id0(batch.id(batch.events[0]));
  transform_->apply(batch);
  ASSERT_EQ(batch.events.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Event& e = batch.events[i];
    EXPECT_FALSE(e.dropped);
    EXPECT_EQ(e.offset, before[i].offset);
    EXPECT_EQ(e.partition, before[i].partition);
    EXPECT_EQ(e.timestamp, before[i].timestamp);
    EXPECT_EQ(e.id.offset, before[i].id.offset);
    EXPECT_EQ(e.id.length, before[i].id.length);
  }
  EXPECT_EQ(batch.id(batch.events[0]), id0);
  const std::string out(batch.value(batch.events[0]));
  EXPECT_NE(
      out.find(
          R"("meta":{"uri":"https://en.wikipedia.org/wiki/Redact_this","domain":"en.wikipedia.org","stream":"mediawiki.recentchange","topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42})"),
      std::string::npos)
      << out;
  EXPECT_EQ(std::string(batch.value(batch.events[1])), kPageChangeRedacted);
}

TEST_F(RedactionTest, TitlesAreNormalised) {
  configure(
      R"({"mediawiki_redacted_pages":{"w":["Redact this","  Spaced__out   page ","ÄPFEL"]}})");
  const auto event = [](const std::string& title) {
    return R"({"meta":{"domain":"w","stream":"s"},"page_title":")" + title +
           R"(","performer":{"x":1}})";
  };
  for (const char* title : {"redact_this", "Redact this", "REDACT   THIS", "_Redact__this_",
                            "Spaced out page", "spaced_out_page", "Redact\\u0020this"}) {
    EXPECT_EQ(run(event(title)).find("performer"), std::string::npos) << title;
  }
  expect_untouched(event("Redact this too"));
  expect_untouched(event("Redactthis"));
  expect_untouched(event("Redact-this"));
  if (unicode_lowercase_available()) {
    EXPECT_EQ(run(event("äpfel")).find("performer"), std::string::npos);
  }
}

TEST_F(RedactionTest, CustomRulesFromConfig) {
  configure(R"({"mediawiki_redacted_pages":{"w":["P"]},"rules":[
      {"stream":"custom.stream","title_paths":["article.name"],"remove":["actor","article.by"],"empty":["extra"]},
      {"title_paths":["name"],"empty":["who.details"]}]})");
  EXPECT_EQ(
      run(R"({"meta":{"domain":"w","stream":"custom.stream"},"article":{"name":"p","by":"u","n":1},"actor":"u","extra":[1,2],"user":"kept"})"),
      R"({"meta":{"domain":"w","stream":"custom.stream"},"article":{"name":"p","n":1},"extra":{},"user":"kept"})");
  // The default rules are gone: recentchange's user stays.
  expect_untouched(
      R"({"meta":{"domain":"w","stream":"mediawiki.recentchange"},"title":"P","user":"u"})");
  // Second rule, any stream.
  EXPECT_EQ(run(R"({"meta":{"domain":"w"},"name":"P","who":{"details":{"a":1},"id":2}})"),
            R"({"meta":{"domain":"w"},"name":"P","who":{"details":{},"id":2}})");
}

TEST_F(RedactionTest, EscapedAndDuplicatedMembersAreAllRedacted) {
  configure(kPages);
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.org"},"page_title":"Redact\u0020this","perf\u006frmer":{"a":1},"x":1,"performer":2})"),
      R"({"meta":{"domain":"en.wikipedia.org"},"page_title":"Redact\u0020this","x":1})");
  // A domain in a second meta (parsers keep the last one) still selects the event.
  EXPECT_EQ(
      run(R"({"meta":{"domain":"other"},"page_title":"Redact this","performer":1,"meta":{"domain":"en.wikipedia.org"}})"),
      R"({"meta":{"domain":"other"},"page_title":"Redact this","meta":{"domain":"en.wikipedia.org"}})");
  EXPECT_EQ(
      run(R"({"meta":{"domain":"en.wikipedia.\u006frg"},"page_title":"Redact this","performer":1})"),
      R"({"meta":{"domain":"en.wikipedia.\u006frg"},"page_title":"Redact this"})");
}

TEST_F(RedactionTest, WhitespaceInPayloadIsHandled) {
  configure(kPages);
  EXPECT_EQ(
      run(" {\n \"meta\" : {\"domain\" : \"en.wikipedia.org\"} ,\n \"performer\" : { \"a\" : 1 } , "
          "\"page_title\" : \"Redact this\" } "),
      "{\"meta\" : {\"domain\" : \"en.wikipedia.org\"},\"page_title\" : \"Redact this\"}");
}

TEST_F(RedactionTest, DroppedEventsAreSkipped) {
  configure(kPages);
  EventBatch batch = make_batch({kRecentChange, kRecentChange});
  batch.events[0].dropped = true;
  transform_->apply(batch);
  EXPECT_TRUE(batch.events[0].dropped);
  EXPECT_EQ(batch.value(batch.events[0]), kRecentChange);
  EXPECT_EQ(batch.value(batch.events[1]), kRecentChangeRedacted);
}

TEST_F(RedactionTest, ManyEventsInOneBatchSurviveArenaGrowth) {
  configure(kPages);
  std::vector<std::string> payloads;
  for (int i = 0; i < 500; ++i) payloads.push_back(i % 2 ? kRecentChange : kPageChange);
  EventBatch batch = make_batch(payloads);
  batch.arena.shrink_to_fit();
  transform_->apply(batch);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(batch.value(batch.events[i]), i % 2 ? kRecentChangeRedacted : kPageChangeRedacted);
  }
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.recentchange"), 250u);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.page_change.v1"), 250u);
}

TEST_F(RedactionTest, EachRedactionIsLoggedAndCounted) {
  configure(kPages, "203.0.113.9");
  EventBatch batch = make_batch({kRecentChange});
  batch.topics[0] = "eqiad.mediawiki.recentchange";
  batch.events[0].offset = 42;
  transform_->apply(batch);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.recentchange"), 1u);
  const auto logs = host_.logs_with("redacted");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0].level, LogLevel::kInfo);
  EXPECT_EQ(
      logs[0].fields,
      R"({"domain":"en.wikipedia.org","stream":"mediawiki.recentchange","page":"Redact this","client":"203.0.113.9","rule":1,"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":42})");
  testing::compact(logs[0].fields);  // valid JSON
  EXPECT_FALSE(testing::compact(logs[0].fields).empty());
}

TEST_F(RedactionTest, LogLinesAreRateLimitedButEveryRedactionIsCounted) {
  configure(std::string(R"({"max_log_lines_per_second":3,)") + (kPages + 1));
  const auto logged = [&] { return host_.logs_with("redacted").size(); };
  EventBatch batch = make_batch(std::vector<std::string>(10, kRecentChange));
  transform_->apply(batch);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.recentchange"), 10u);
  EXPECT_EQ(logged(), 3u);
  host_.advance_ms(1000);  // the next second
  EventBatch again = make_batch({kRecentChange});
  transform_->apply(again);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.recentchange"), 11u);
  ASSERT_EQ(logged(), 4u);
  EXPECT_NE(host_.logs_with("redacted").back().fields.find(R"("suppressed":7)"), std::string::npos);
  // Two instances share one budget.
  RequestInfo other;
  std::string key, error;
  auto second = factory_->create(other, key, error);
  ASSERT_NE(second, nullptr);
  EventBatch more = make_batch(std::vector<std::string>(5, kRecentChange));
  second->apply(more);
  EXPECT_EQ(logged(), 6u);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.recentchange"), 16u);
}

TEST_F(RedactionTest, ZeroLogLinesStillCounts) {
  configure(std::string(R"({"max_log_lines_per_second":0,)") + (kPages + 1));
  EventBatch batch = make_batch({kRecentChange, kPageChange});
  transform_->apply(batch);
  EXPECT_EQ(host_.logs_with("redacted").size(), 0u);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.recentchange"), 1u);
  EXPECT_EQ(redactions("en.wikipedia.org", "mediawiki.page_change.v1"), 1u);
}

TEST_F(RedactionTest, UnreadableEventOfAListedDomainIsDroppedNotLeaked) {
  configure(kPages);
  EventBatch batch = make_batch(
      {R"({"meta":{"domain":"en.wikipedia.org"},"page_title":"Redact this","performer":{"a":1})"});
  transform_->apply(batch);
  EXPECT_TRUE(batch.events[0].dropped);
  EXPECT_EQ(host_.value("eventstreams_redaction_failures_total{}"), 1u);
  EXPECT_EQ(host_.logs_with("could not be redacted").size(), 1u);
}

TEST_F(RedactionTest, LabelsAreEscaped) {
  configure(R"({"mediawiki_redacted_pages":{"a\"b":["P"]}})");
  run(R"({"meta":{"domain":"a\"b","stream":"s\\t"},"page_title":"P","performer":1})");
  EXPECT_EQ(host_.value(R"(eventstreams_redactions_total{domain="a\"b",stream="s\\t"})"), 1u);
}

TEST(RedactionFactory, NoPagesMeansNoTransform) {
  FakeHost host;
  PluginContext context;
  context.host = &host;
  context.config_json = R"({"mediawiki_redacted_pages":{}})";
  std::string error;
  auto factory = create_factory(context, error);
  ASSERT_NE(factory, nullptr) << error;
  EXPECT_FALSE(factory->accepts_parameter("title"));
  std::string key = "x";
  EXPECT_EQ(factory->create(RequestInfo{}, key, error), nullptr);
  EXPECT_EQ(error, "");
  EXPECT_EQ(key, "");
  ASSERT_EQ(host.logs().size(), 1u);
  EXPECT_EQ(host.logs()[0].level, LogLevel::kWarn);
}

TEST(RedactionFactory, ConfigErrorComesBackAsNull) {
  PluginContext context;
  context.config_json = R"({"mediawiki_redacted_pages":{"w":"x"}})";
  std::string error;
  EXPECT_EQ(create_factory(context, error), nullptr);
  EXPECT_NE(error.find(R"(mediawiki_redacted_pages["w"])"), std::string::npos) << error;
}

TEST(RedactionFactory, WorksWithoutHostServices) {
  PluginContext context;
  context.config_json = kPages;
  std::string error, key;
  auto factory = create_factory(context, error);
  ASSERT_NE(factory, nullptr) << error;
  auto t = factory->create(RequestInfo{}, key, error);
  ASSERT_NE(t, nullptr);
  EventBatch batch = make_batch({kRecentChange});
  t->apply(batch);
  EXPECT_EQ(batch.value(batch.events[0]), kRecentChangeRedacted);
}

}  // namespace
}  // namespace eventstreams::redaction
