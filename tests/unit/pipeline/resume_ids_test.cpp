// Resume ids (SPEC 2.1): every assigned partition named; delivered ones by timestamp + 1 with
// the exact next offset and the cluster marker; the rest by where they started. One object per
// topic with per-partition arrays of differences from its bases, so that wide streams' ids
// still fit a header; parse_last_event_id() must give back every position.
#include "pipeline/resume_ids.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <tuple>

#include "request/last_event_id.h"

namespace eventstreams::pipeline {
namespace {

using request::LastEventIdEntry;

// What an id names, parsed back the way the HTTP layer does: (topic, partition) -> entry.
std::map<std::pair<std::string, std::int32_t>, LastEventIdEntry> parse_back(const std::string& id) {
  std::vector<LastEventIdEntry> entries;
  std::string error;
  EXPECT_TRUE(request::parse_last_event_id(id, entries, error)) << error << "\n" << id;
  std::map<std::pair<std::string, std::int32_t>, LastEventIdEntry> out;
  for (auto& e : entries) {
    const auto key = std::make_pair(e.topic, e.partition);
    EXPECT_EQ(out.count(key), 0u) << "named twice: " << e.topic << "/" << e.partition;
    out.emplace(key, std::move(e));
  }
  return out;
}

TEST(ResumeIds, NamesEveryPartitionByItsStartBeforeAnyEvent) {
  ResumeIds ids({{"a", 0, 5, 1000}, {"a", 1, 7, std::nullopt}, {"b", 0, 0, 1000}}, "c1");
  EXPECT_EQ(ids.id(), R"([{"topic":"a","cluster":"c1","offset":5,"timestamp":1000,)"
                      R"("offsets":"BF","timestamps":"BA"},)"
                      R"({"topic":"b","partition":0,"cluster":"c1","offset":0,"timestamp":1000}])");
}

TEST(ResumeIds, DeliveredPartitionsUseTimestampPlusOneAndNextOffset) {
  ResumeIds ids({{"a", 0, 5, 1000}, {"a", 1, 7, std::nullopt}}, "c1");
  ids.advance(ids.topic_slot("a"), 1, 7, 1700000000000);
  EXPECT_EQ(ids.id(), R"([{"topic":"a","cluster":"c1","offset":5,"timestamp":1000,)"
                      R"("offsets":"BH","timestamps":"Bji-v81yhT"}])");
  const auto back = parse_back(ids.id());
  EXPECT_EQ(back.at({"a", 1}).offset, 8);
  EXPECT_EQ(back.at({"a", 1}).timestamp, 1700000000001);
  EXPECT_EQ(back.at({"a", 1}).cluster, "c1");
  EXPECT_EQ(back.at({"a", 0}).offset, 5);
  EXPECT_EQ(back.at({"a", 0}).timestamp, 1000);
}

// A topic of one assigned partition is named by the original's object (with the cluster
// marker), its numbers rewritten in place as they grow, and it parses back.
TEST(ResumeIds, AOnePartitionTopicIsNamedByTheOriginalsObject) {
  ResumeIds ids({{"a", 3, 98, std::nullopt}}, "c1");
  EXPECT_EQ(ids.id(), R"([{"topic":"a","partition":3,"cluster":"c1","offset":98}])");
  ids.advance(ids.topic_slot("a"), 3, 98, 1700000000000);  // the first time: re-rendered
  EXPECT_EQ(
      ids.id(),
      R"([{"topic":"a","partition":3,"cluster":"c1","offset":99,"timestamp":1700000000001}])");
  ids.advance(ids.topic_slot("a"), 3, 99, 1700000000005);  // 99 -> 100 moves the timestamp
  EXPECT_EQ(
      ids.id(),
      R"([{"topic":"a","partition":3,"cluster":"c1","offset":100,"timestamp":1700000000006}])");
  ids.advance(ids.topic_slot("a"), 3, 100, 1700000000007);
  const auto back = parse_back(ids.id());
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back.at({"a", 3}).offset, 101);
  EXPECT_EQ(back.at({"a", 3}).timestamp, 1700000000008);
  EXPECT_EQ(back.at({"a", 3}).cluster, "c1");
  ids.caught_up_at(1800000000000);  // delivered: keeps its own time
  EXPECT_EQ(back.at({"a", 3}).timestamp, parse_back(ids.id()).at({"a", 3}).timestamp);
}

TEST(ResumeIds, NoClusterMarkerWhenTheClusterIsUnknown) {
  ResumeIds ids({{"t\"q", 0, 1, std::nullopt}}, "");
  EXPECT_EQ(ids.id(), R"([{"topic":"t\"q","partition":0,"offset":1}])");
}

TEST(ResumeIds, ATopicsFirstTimeGivesItATimestampsArray) {
  ResumeIds ids({{"a", 0, 10, std::nullopt}, {"a", 1, 20, std::nullopt}}, "");
  ids.advance(ids.topic_slot("a"), 1, 20, 500);
  EXPECT_EQ(ids.id(), R"([{"topic":"a","offset":10,"timestamp":501,)"
                      R"("offsets":"BX","timestamps":"AB"}])");
  ids.caught_up_at(900);
  EXPECT_EQ(ids.id(), R"([{"topic":"a","offset":10,"timestamp":501,)"
                      R"("offsets":"BX","timestamps":"4fB"}])");
}

TEST(ResumeIds, UnassignedPartitionsAreIgnored) {
  ResumeIds ids({{"a", 0, 0, std::nullopt}}, "");
  ids.advance(ids.topic_slot("a"), 3, 9, 9);
  ids.advance(ids.topic_slot("zzz"), 0, 9, 9);
  EXPECT_EQ(ids.topic_slot("zzz"), -1);
  EXPECT_EQ(ids.id(), R"([{"topic":"a","partition":0,"offset":0}])");
  const auto pos = ids.positions();
  ASSERT_EQ(pos.size(), 1u);
  EXPECT_EQ(pos[0].offset, 0);
}

TEST(ResumeIds, GapsInThePartitionsAreNamedByNeitherList) {
  ResumeIds ids({{"a", 0, 3, 100}, {"a", 2, 4, 100}}, "");
  EXPECT_EQ(ids.id(),
            R"([{"topic":"a","offset":3,"timestamp":100,"offsets":"BAD","timestamps":"BAB"}])");
  const auto back = parse_back(ids.id());
  EXPECT_EQ(back.size(), 2u);
  EXPECT_EQ(back.at({"a", 2}).offset, 4);
}

TEST(ResumeIds, NumbersThatChangeLengthMoveTheRestOfTheId) {
  ResumeIds ids({{"a", 0, 0, 0}, {"a", 1, 0, 0}, {"b", 0, 0, 0}}, "c");
  ids.advance(ids.topic_slot("a"), 0, 99999, 123456789);
  ids.advance(ids.topic_slot("b"), 0, 4, 8);
  ids.advance(ids.topic_slot("a"), 1, 0, 1);
  ids.advance(ids.topic_slot("a"), 0, 100000, 123456790);
  const auto back = parse_back(ids.id());
  EXPECT_EQ(back.at({"a", 0}).offset, 100001);
  EXPECT_EQ(back.at({"a", 0}).timestamp, 123456791);
  EXPECT_EQ(back.at({"a", 1}).offset, 1);
  EXPECT_EQ(back.at({"a", 1}).timestamp, 2);
  EXPECT_EQ(back.at({"b", 0}).offset, 5);
  EXPECT_EQ(back.at({"b", 0}).timestamp, 9);
}

// 1,024 partitions over 8 topics, positioned and advanced at random (offsets in the billions
// up to a thousand apart, times within five seconds): the id fits a header and parses back to
// exactly every position.
TEST(ResumeIds, ThousandPartitionsRoundTripUnderTheHeaderLimit) {
  std::mt19937_64 rng(12);
  std::vector<PartitionStart> starts;
  for (int t = 0; t < 8; ++t) {
    for (int p = 0; p < 128; ++p) {
      starts.push_back({"eqiad.mediawiki.topic" + std::to_string(t), p,
                        static_cast<std::int64_t>(3'000'000'000 + rng() % 1000),
                        std::int64_t{1'764'000'000'000}});
    }
  }
  ResumeIds ids(starts, "kafka-main-eqiad");
  ids.caught_up_at(1'764'000'000'200);
  std::map<std::pair<std::string, std::int32_t>, std::pair<std::int64_t, std::int64_t>> expect;
  for (const auto& s : starts) expect[{s.topic, s.partition}] = {s.offset, 1'764'000'000'200};
  for (int i = 0; i < 20000; ++i) {
    auto& [key, pos] = *std::next(expect.begin(), static_cast<long>(rng() % expect.size()));
    pos.first += 1;
    const std::int64_t ts = 1'764'000'000'200 + static_cast<std::int64_t>(rng() % 5000);
    pos.second = ts + 1;
    ids.advance(ids.topic_slot(key.first), key.second, pos.first - 1, ts);
  }
  const std::string id = ids.id();
  EXPECT_LE(id.size(), ResumeIds::kMaxIdBytes);
  const auto back = parse_back(id);
  ASSERT_EQ(back.size(), expect.size());
  for (const auto& [key, pos] : expect) {
    const auto& e = back.at(key);
    EXPECT_EQ(e.offset, pos.first) << key.first << "/" << key.second;
    EXPECT_EQ(e.timestamp, pos.second) << key.first << "/" << key.second;
    EXPECT_EQ(e.cluster, "kafka-main-eqiad");
  }
  const auto positions = ids.positions();
  ASSERT_EQ(positions.size(), starts.size());
  for (const auto& p : positions) {
    EXPECT_EQ(p.offset, expect.at({p.topic, p.partition}).first);
    EXPECT_EQ(p.timestamp, expect.at({p.topic, p.partition}).second);
  }
}

// Offsets and times too far apart for kMaxIdBytes: the coarse form, which names every
// partition by the earliest time of its topic (repeats, never a loss), and still parses.
TEST(ResumeIds, TooWideForTheCompactFormFallsBackToTheEarliestTime) {
  std::vector<PartitionStart> starts;
  for (int p = 0; p < 2048; ++p) {
    starts.push_back({"wide", p, std::int64_t{p} * 1'000'000'007, 1'000'000'000'000 + p * 7'919});
  }
  starts.push_back({"narrow", 0, 5, std::nullopt});
  ResumeIds ids(starts, "c");
  const std::string id = ids.id();
  EXPECT_LE(id.size(), ResumeIds::kMaxIdBytes);
  EXPECT_EQ(id, R"([{"topic":"wide","partitions":2048,"timestamp":1000000000000},)"
                R"({"topic":"narrow","partitions":1,"timestamp":0}])");
  const auto back = parse_back(id);
  EXPECT_EQ(back.size(), 2049u);
  EXPECT_EQ(back.at({"wide", 2047}).timestamp, 1'000'000'000'000);
  EXPECT_EQ(back.at({"wide", 2047}).offset, std::nullopt);
  // Exact positions are still kept: the hub's own positions do not degrade.
  EXPECT_EQ(ids.positions()[2047].offset, std::int64_t{2047} * 1'000'000'007);
}

// The bases are re-picked when the id outgrows its bound: times that drifted far from the
// start (a long-lived stream) come back to short differences.
TEST(ResumeIds, RebasesWhenTheDifferencesGrowTooLong) {
  std::vector<PartitionStart> starts;
  for (int p = 0; p < 1000; ++p) starts.push_back({"t", p, 0, std::int64_t{0}});
  ResumeIds ids(starts, "");
  for (int round = 0; round < 2; ++round) {
    for (int p = 0; p < 1000; ++p) {
      ids.advance(ids.topic_slot("t"), p, round, 1'764'000'000'000 + p % 10);
    }
  }
  const std::string id = ids.id();
  EXPECT_NE(id.find("\"timestamp\":1764000000001,"), std::string::npos) << id;
  EXPECT_LE(id.size(), ResumeIds::kMaxIdBytes);
  const auto back = parse_back(id);
  EXPECT_EQ(back.at({"t", 999}).timestamp, 1'764'000'000'010);
  EXPECT_EQ(back.at({"t", 999}).offset, 2);
}

}  // namespace
}  // namespace eventstreams::pipeline
