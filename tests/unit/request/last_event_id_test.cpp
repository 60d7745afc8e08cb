#include "request/last_event_id.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using eventstreams::request::LastEventIdEntry;
using eventstreams::request::parse_last_event_id;

struct Result {
  bool ok = false;
  std::vector<LastEventIdEntry> entries;
  std::string error;
};

Result parse(std::string_view header) {
  Result r;
  r.ok = parse_last_event_id(header, r.entries, r.error);
  return r;
}

// Expects a parse failure whose message contains every one of `fragments`.
void expect_error(std::string_view header, std::initializer_list<std::string_view> fragments) {
  SCOPED_TRACE(std::string(header));
  const Result r = parse(header);
  EXPECT_FALSE(r.ok);
  ASSERT_FALSE(r.error.empty());
  for (const auto fragment : fragments) {
    EXPECT_NE(r.error.find(fragment), std::string::npos)
        << "error \"" << r.error << "\" lacks \"" << fragment << "\"";
  }
}

// --- valid --------------------------------------------------------------------------------------

TEST(LastEventId, SingleTimestampEntry) {
  const Result r = parse(
      R"([{"topic":"eqiad.mediawiki.recentchange","partition":0,"timestamp":1700000000001}])");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.error.empty());
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].topic, "eqiad.mediawiki.recentchange");
  EXPECT_EQ(r.entries[0].partition, 0);
  EXPECT_EQ(r.entries[0].timestamp, 1'700'000'000'001);
  EXPECT_EQ(r.entries[0].offset, std::nullopt);
  EXPECT_EQ(r.entries[0].cluster, std::nullopt);
}

TEST(LastEventId, MixedEntriesInOrder) {
  const Result r = parse(R"( [
      {"topic": "a", "partition": 0, "offset": 42},
      {"topic": "b", "partition": 3, "timestamp": 17},
      {"topic": "c", "partition": 1, "offset": -1},
      {"topic": "c", "partition": 2, "offset": -2},
      {"topic": "d", "partition": 7, "offset": 5, "timestamp": 1700000000000}
    ] )");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 5u);
  EXPECT_EQ(r.entries[0].topic, "a");
  EXPECT_EQ(r.entries[0].partition, 0);
  EXPECT_EQ(r.entries[0].offset, 42);
  EXPECT_EQ(r.entries[0].timestamp, std::nullopt);
  EXPECT_EQ(r.entries[1].topic, "b");
  EXPECT_EQ(r.entries[1].partition, 3);
  EXPECT_EQ(r.entries[1].offset, std::nullopt);
  EXPECT_EQ(r.entries[1].timestamp, 17);
  EXPECT_EQ(r.entries[2].offset, -1);
  EXPECT_EQ(r.entries[2].partition, 1);
  EXPECT_EQ(r.entries[3].offset, -2);
  EXPECT_EQ(r.entries[3].partition, 2);
  EXPECT_EQ(r.entries[4].topic, "d");
  EXPECT_EQ(r.entries[4].offset, 5);
  EXPECT_EQ(r.entries[4].timestamp, 1'700'000'000'000);
}

TEST(LastEventId, ClusterMarker) {
  const Result r =
      parse(R"([{"topic":"a","partition":1,"offset":9,"timestamp":100,"cluster":"eqiad-main"},)"
            R"({"topic":"a","partition":2,"timestamp":100}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].cluster, "eqiad-main");
  EXPECT_EQ(r.entries[0].offset, 9);
  EXPECT_EQ(r.entries[0].timestamp, 100);
  EXPECT_EQ(r.entries[1].cluster, std::nullopt);
}

TEST(LastEventId, NonStringClusterIsIgnored) {
  const Result r = parse(R"([{"topic":"a","partition":1,"offset":9,"cluster":7}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].cluster, std::nullopt);
  EXPECT_EQ(r.entries[0].offset, 9);
}

TEST(LastEventId, ExtraKeysIgnored) {
  const Result r = parse(
      R"([{"x":[1,{"y":null}],"topic":"a","dt":"2026-11-20","partition":4,"offset":1,"z":1.5}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].topic, "a");
  EXPECT_EQ(r.entries[0].partition, 4);
  EXPECT_EQ(r.entries[0].offset, 1);
}

TEST(LastEventId, IntegerLimits) {
  const Result r = parse(R"([{"topic":"a","partition":2147483647,"offset":9223372036854775807,)"
                         R"("timestamp":-9223372036854775808}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].partition, 2147483647);
  EXPECT_EQ(r.entries[0].offset, INT64_MAX);
  EXPECT_EQ(r.entries[0].timestamp, INT64_MIN);
}

TEST(LastEventId, EscapedTopicDecoded) {
  const Result r = parse(R"([{"topic":"a\u002eb\"c","partition":0,"offset":1}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 1u);
  EXPECT_EQ(r.entries[0].topic, "a.b\"c");
}

TEST(LastEventId, EmptyOrWhitespaceHeaderIsAbsent) {
  for (const std::string_view header : {"", " ", "   ", "\t", " \t\r\n "}) {
    SCOPED_TRACE(std::string(header));
    std::vector<LastEventIdEntry> out(2);  // must be cleared
    std::string error = "stale";
    EXPECT_TRUE(parse_last_event_id(header, out, error));
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(error.empty());
  }
}

TEST(LastEventId, OutputClearedOnReuse) {
  std::vector<LastEventIdEntry> out;
  std::string error;
  ASSERT_TRUE(parse_last_event_id(R"([{"topic":"a","partition":0,"offset":1}])", out, error));
  ASSERT_TRUE(parse_last_event_id(R"([{"topic":"b","partition":0,"offset":1}])", out, error));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].topic, "b");
}

// --- errors -------------------------------------------------------------------------------------

TEST(LastEventId, MalformedJson) {
  expect_error("[", {"not valid JSON"});
  expect_error("{", {"not valid JSON"});
  expect_error("not json", {"not valid JSON"});
  expect_error(R"([{"topic":"a","partition":0,"offset":1},])", {"not valid JSON"});
  expect_error(R"([{"topic":"a","partition":0,"offset":1}] x)", {"not valid JSON"});
  expect_error(R"([{"topic":"a","partition":0,"offset":1}][])", {"not valid JSON"});
  expect_error(R"([{'topic':'a','partition':0,'offset':1}])", {"not valid JSON"});
  expect_error(R"([{"topic":"a","partition":0,"offset":NaN}])", {"not valid JSON"});
  expect_error(R"([{"topic":"a","partition":0,"offset":1} /* c */])", {"not valid JSON"});
}

TEST(LastEventId, InvalidUtf8IsMalformed) {
  expect_error("[{\"topic\":\"a\xff\",\"partition\":0,\"offset\":1}]", {"not valid JSON"});
}

TEST(LastEventId, DeepNestingDoesNotCrash) {
  expect_error(std::string(200000, '['), {"not valid JSON"});
  const std::string nested = std::string(100000, '[') + std::string(100000, ']');
  expect_error(nested, {"element 0 must be an object"});
}

TEST(LastEventId, NotAnArray) {
  expect_error(R"({"topic":"a","partition":0,"offset":1})", {"must be a JSON array"});
  expect_error(R"("a")", {"must be a JSON array"});
  expect_error("42", {"must be a JSON array"});
  expect_error("null", {"must be a JSON array"});
  expect_error("true", {"must be a JSON array"});
}

TEST(LastEventId, EmptyArray) {
  expect_error("[]", {"empty array"});
  expect_error(" [ ] ", {"empty array"});
}

TEST(LastEventId, ElementNotAnObject) {
  expect_error("[1]", {"element 0", "object"});
  expect_error(R"([{"topic":"a","partition":0,"offset":1}, []])", {"element 1", "object"});
  expect_error(R"([{"topic":"a","partition":0,"offset":1}, null])", {"element 1", "object"});
  expect_error(R"(["a"])", {"element 0", "object"});
}

TEST(LastEventId, MissingTopic) {
  expect_error(R"([{"partition":0,"offset":1}])", {"element 0", "missing \"topic\""});
  expect_error(R"([{"topic":"a","partition":0,"offset":1},{"partition":0,"offset":1}])",
               {"element 1", "missing \"topic\""});
}

TEST(LastEventId, NonStringTopic) {
  expect_error(R"([{"topic":5,"partition":0,"offset":1}])", {"element 0", "\"topic\""});
  expect_error(R"([{"topic":null,"partition":0,"offset":1}])", {"element 0", "\"topic\""});
  expect_error(R"([{"topic":["a"],"partition":0,"offset":1}])", {"element 0", "\"topic\""});
  expect_error(R"([{"topic":"","partition":0,"offset":1}])", {"element 0", "\"topic\""});
}

TEST(LastEventId, MissingPartition) {
  expect_error(R"([{"topic":"a","offset":1}])", {"element 0", "missing \"partition\""});
}

TEST(LastEventId, NonIntegerPartition) {
  for (const char* value : {"\"0\"", "1.5", "1.0", "1e2", "true", "null", "-1", "2147483648",
                            "9223372036854775808", "{}"}) {
    expect_error(std::string(R"([{"topic":"a","offset":1,"partition":)") + value + "}]",
                 {"element 0", "\"partition\" must be an integer"});
  }
  expect_error(
      R"([{"topic":"a","partition":0,"offset":1},{"topic":"a","partition":-3,"offset":1}])",
      {"element 1", "\"partition\""});
}

TEST(LastEventId, NeitherOffsetNorTimestamp) {
  expect_error(R"([{"topic":"a","partition":0}])", {"element 0", "\"offset\" or \"timestamp\""});
  expect_error(R"([{"topic":"a","partition":0,"ts":5,"Offset":3}])",
               {"element 0", "\"offset\" or \"timestamp\""});
  expect_error(R"([{"topic":"a","partition":0,"offset":1},{"topic":"a","partition":1}])",
               {"element 1", "\"offset\" or \"timestamp\""});
}

TEST(LastEventId, NonIntegerOffset) {
  for (const char* value :
       {"1.5", "\"12\"", "true", "null", "1e3", "1.0", "9223372036854775808", "[]", "{}"}) {
    expect_error(std::string(R"([{"topic":"a","partition":0,"offset":)") + value + "}]",
                 {"element 0", "\"offset\" must be an integer"});
    // Also when a valid timestamp is present: a bad field is never silently dropped.
    expect_error(
        std::string(R"([{"topic":"a","partition":0,"timestamp":5,"offset":)") + value + "}]",
        {"element 0", "\"offset\" must be an integer"});
  }
}

TEST(LastEventId, NonIntegerTimestamp) {
  for (const char* value : {"1.5", "\"1700000000000\"", "true", "null", "1e3", "-0.5"}) {
    expect_error(std::string(R"([{"topic":"a","partition":0,"timestamp":)") + value + "}]",
                 {"element 0", "\"timestamp\" must be an integer"});
    expect_error(
        std::string(R"([{"topic":"a","partition":0,"offset":5,"timestamp":)") + value + "}]",
        {"element 0", "\"timestamp\" must be an integer"});
  }
}

TEST(LastEventId, ErrorNamesTheElementIndex) {
  const Result r =
      parse(R"([{"topic":"a","partition":0,"offset":1},{"topic":"a","partition":1,"offset":1},)"
            R"({"topic":"a","partition":2,"offset":"x"}])");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "Last-Event-ID element 2: \"offset\" must be an integer");
}

// --- the compact per-topic form (pipeline/resume_ids.h) -----------------------------------------

TEST(LastEventId, CompactTopicObjectWithPackedLists) {
  // offsets 5, 0, 17 and times 1, 0, none from the bases 1200 and 1700000000000.
  const Result r = parse(R"([{"topic":"a","cluster":"c1","offset":1200,"timestamp":1700000000000,)"
                         R"("offsets":"LBhD","timestamps":"DBA"}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].partition, 0);
  EXPECT_EQ(r.entries[0].offset, 1205);
  EXPECT_EQ(r.entries[0].timestamp, 1'700'000'000'001);
  EXPECT_EQ(r.entries[0].cluster, "c1");
  EXPECT_EQ(r.entries[1].offset, 1200);
  EXPECT_EQ(r.entries[1].timestamp, 1'700'000'000'000);
  EXPECT_EQ(r.entries[2].partition, 2);
  EXPECT_EQ(r.entries[2].offset, 1217);
  EXPECT_EQ(r.entries[2].timestamp, std::nullopt);
}

TEST(LastEventId, CompactTopicObjectWithDecimalArraysAndGaps) {
  const Result r = parse(R"([{"topic":"a","offsets":[3,null,-1],"timestamps":[null,null,5]},)"
                         R"({"topic":"b","partition":4,"offset":9}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].partition, 0);
  EXPECT_EQ(r.entries[0].offset, 3);
  EXPECT_EQ(r.entries[0].timestamp, std::nullopt);
  EXPECT_EQ(r.entries[1].partition, 2);  // partition 1 is named by neither list
  EXPECT_EQ(r.entries[1].offset, -1);
  EXPECT_EQ(r.entries[1].timestamp, 5);
  EXPECT_EQ(r.entries[2].topic, "b");
  EXPECT_EQ(r.entries[2].partition, 4);
}

TEST(LastEventId, CoarseTopicObjectNamesEveryPartition) {
  const Result r = parse(R"([{"topic":"a","partitions":3,"timestamp":1700000000000}])");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.entries.size(), 3u);
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(r.entries[p].partition, p);
    EXPECT_EQ(r.entries[p].timestamp, 1'700'000'000'000);
    EXPECT_EQ(r.entries[p].offset, std::nullopt);
  }
}

TEST(LastEventId, CompactFormErrors) {
  expect_error(R"([{"topic":"a","offsets":"B!"}])", {"element 0", "packed"});
  expect_error(R"([{"topic":"a","offsets":"Bg"}])", {"element 0", "packed"});  // cut short
  expect_error(R"([{"topic":"a","offsets":"gggggggggggggggB"}])", {"element 0", "packed"});
  expect_error(R"([{"topic":"a","offsets":[1.5]}])", {"element 0", "integers or null"});
  expect_error(R"([{"topic":"a","offsets":7}])", {"element 0", "string or an array"});
  expect_error(R"([{"topic":"a","offset":9223372036854775807,"offsets":[1]}])",
               {"element 0", "overflows"});
  expect_error(R"([{"topic":"a","offsets":[null],"timestamps":"A"}])",
               {"element 0", "names no partition"});
  expect_error(R"([{"topic":"a","offsets":""}])", {"element 0", "names no partition"});
  expect_error(R"([{"topic":"a","partitions":2,"offsets":[1]}])", {"element 0", "\"partitions\""});
  expect_error(R"([{"topic":"a","partitions":2000000000,"timestamp":1}])",
               {"element 0", "\"partitions\""});
  expect_error(R"([{"topic":"a","partitions":2}])", {"element 0", "\"offset\" or \"timestamp\""});
  expect_error(R"([{"offsets":"B"}])", {"element 0", "missing \"topic\""});
  // 65,536 partitions at most, however they are spread over the elements.
  expect_error(
      R"([{"topic":"a","partitions":65536,"timestamp":1},{"topic":"b","partition":0,"offset":1}])",
      {"element 1", "more than 65536"});
}

}  // namespace
