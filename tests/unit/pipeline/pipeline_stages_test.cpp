// The stages of a hub's per-event pipeline on their own: the batch rewrite with ids, one
// group's transforms and encoding framed as one chunk, and a resuming client's replay batch.
#include <gtest/gtest.h>

#include "pipeline/batch_rewriter.h"
#include "pipeline/group_encoder.h"
#include "pipeline/replay_batch.h"

namespace eventstreams::pipeline {
namespace {

void add(EventBatch& b, std::int64_t offset, std::string_view value, std::int64_t ts = 100) {
  if (b.topics.empty()) b.topics.push_back("t");
  Event e;
  e.topic = 0;
  e.partition = 0;
  e.offset = offset;
  e.timestamp = ts;
  e.value = b.store(value);
  b.events.push_back(e);
}

// One line per event, "<id>|<value>"; the heartbeat is "hb", an error "err:<json>".
class LineEncoder final : public Encoder {
 public:
  void encode(const EventBatch& batch, std::string& out,
              std::vector<EncodedFrame>& frames) noexcept override {
    for (std::uint32_t i = 0; i < batch.events.size(); ++i) {
      const Event& e = batch.events[i];
      if (e.dropped) continue;
      const auto start = static_cast<std::uint32_t>(out.size());
      out.append(batch.id(e)).append("|").append(batch.value(e)).append("\n");
      frames.push_back({i, start, static_cast<std::uint32_t>(out.size()) - start});
    }
  }
  void heartbeat(std::string& out) noexcept override { out += "hb"; }
  void error(std::string_view json, std::string& out) noexcept override {
    out.append("err:").append(json);
  }
};

// Drops events at even offsets.
class DropEven final : public Transform {
 public:
  void apply(EventBatch& batch) noexcept override {
    for (Event& e : batch.events) e.dropped = e.dropped || e.offset % 2 == 0;
  }
};

TEST(BatchRewriter, RewritesEachEventOnceWithItsIdAndKeepsInvalidOnesAsDropped) {
  BatchRewriter rewriter({{"t", 0, 0, 50}}, "c1");
  EventBatch raw, out;
  add(raw, 0, R"({"a": 1})", 100);
  add(raw, 1, "not json", 200);
  add(raw, 2, R"({"b": 2})", 300);
  EXPECT_EQ(rewriter.rewrite(raw, out, /*with_ids=*/true), 1u);
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.value(out.events[0]), R"({"a":1,"meta":{"topic":"t","partition":0,"offset":0}})");
  EXPECT_TRUE(out.events[1].dropped);
  // One partition: the original's object (resume_ids.h), next offset and time + 1.
  EXPECT_EQ(out.id(out.events[0]),
            R"([{"topic":"t","partition":0,"cluster":"c1","offset":1,"timestamp":101}])");
  // The skipped event still moved the position: the next id resumes after it.
  EXPECT_EQ(out.id(out.events[2]),
            R"([{"topic":"t","partition":0,"cluster":"c1","offset":3,"timestamp":301}])");
  EXPECT_EQ(rewriter.ids().positions()[0].offset, 3);
  // Without ids, none are written; the next batch starts from a cleared one.
  raw.clear();
  add(raw, 3, "{}");
  EXPECT_EQ(rewriter.rewrite(raw, out, false), 0u);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_TRUE(out.id(out.events[0]).empty());
}

TEST(GroupEncoder, EncodesAfterTheTransformsIntoOneChunkAndLeavesTheSharedBatchAlone) {
  std::vector<std::unique_ptr<Transform>> transforms;
  transforms.push_back(std::make_unique<DropEven>());
  GroupEncoder group(std::make_unique<LineEncoder>(), std::move(transforms));
  EventBatch batch;
  add(batch, 0, "zero");
  add(batch, 1, "one");
  const Chunk chunk = group.encode(batch);
  ASSERT_TRUE(chunk.bytes);
  EXPECT_EQ(chunk.bytes->substr(chunk.start, chunk.length), "5\r\n|one\n\r\n");
  EXPECT_EQ(chunk.payload, 5u);
  EXPECT_EQ(group.frames(), 1u);
  EXPECT_FALSE(batch.events[0].dropped);  // the transforms edited a copy
  // Nothing left: no chunk.
  EventBatch even;
  add(even, 2, "two");
  EXPECT_FALSE(group.encode(even).bytes);
  EXPECT_EQ(*group.heartbeat_chunk(), "2\r\nhb\r\n");
  EXPECT_EQ(*group.error_chunk("{}"), "6\r\nerr:{}\r\n");
}

TEST(ReplayBatch, TakesOnlyWhatTheClientLacksWithIdsOfItsOwn) {
  ReplayBatch replay({{"t", 0, 2, std::nullopt}, {"u", 0, 0, std::nullopt}}, "c1", true);
  Event e;
  e.partition = 0;
  e.timestamp = 10;
  for (std::int64_t offset : {1, 2, 3}) {
    e.offset = offset;
    replay.add("t", e, "v" + std::to_string(offset));
  }
  e.offset = 0;
  replay.add("other", e, "not asked for");
  EventBatch& b = replay.batch();
  ASSERT_EQ(b.events.size(), 2u);
  EXPECT_EQ(b.value(b.events[0]), "v2");
  EXPECT_EQ(b.value(b.events[1]), "v3");
  // t/0 at offset 4 and time 11; u/0 at offset 0, no time.
  EXPECT_EQ(b.id(b.events[1]),
            R"([{"topic":"t","partition":0,"cluster":"c1","offset":4,"timestamp":11},)"
            R"({"topic":"u","partition":0,"cluster":"c1","offset":0}])");
}

}  // namespace
}  // namespace eventstreams::pipeline
