// Resume ids (SPEC 2.1): every assigned partition named; delivered ones by timestamp + 1 with
// the exact next offset and the cluster marker; the rest by where they started.
#include "pipeline/resume_ids.h"

#include <gtest/gtest.h>

namespace eventstreams::pipeline {
namespace {

TEST(ResumeIds, NamesEveryPartitionByItsStartBeforeAnyEvent) {
  ResumeIds ids({{"a", 0, 5, 1000}, {"a", 1, 7, std::nullopt}, {"b", 0, 0, 1000}}, "c1");
  EXPECT_EQ(ids.id(), R"([{"topic":"a","partition":0,"timestamp":1000,"offset":5,"cluster":"c1"},)"
                      R"({"topic":"a","partition":1,"offset":7,"cluster":"c1"},)"
                      R"({"topic":"b","partition":0,"timestamp":1000,"offset":0,"cluster":"c1"}])");
}

TEST(ResumeIds, DeliveredPartitionsUseTimestampPlusOneAndNextOffset) {
  ResumeIds ids({{"a", 0, 5, 1000}, {"a", 1, 7, std::nullopt}}, "c1");
  ids.advance(ids.topic_slot("a"), 1, 7, 1700000000000);
  EXPECT_EQ(ids.id(),
            R"([{"topic":"a","partition":0,"timestamp":1000,"offset":5,"cluster":"c1"},)"
            R"({"topic":"a","partition":1,"timestamp":1700000000001,"offset":8,"cluster":"c1"}])");
}

TEST(ResumeIds, NoClusterMarkerWhenTheClusterIsUnknown) {
  ResumeIds ids({{"t\"q", 0, 1, std::nullopt}}, "");
  EXPECT_EQ(ids.id(), R"([{"topic":"t\"q","partition":0,"offset":1}])");
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

}  // namespace
}  // namespace eventstreams::pipeline
