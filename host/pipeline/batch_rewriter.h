// The first stage of a hub's pipeline, once per batch for all its clients: each event's JSON
// rewritten with meta.topic/partition/offset/key (SPEC 2.1, compact), and its resume id.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "eventstreams/event_batch.h"
#include "pipeline/partition_start.h"
#include "pipeline/resume_ids.h"

namespace eventstreams::pipeline {

class BatchRewriter {
 public:
  BatchRewriter(const std::vector<PartitionStart>& starts, const std::string& cluster_id)
      : ids_(starts, cluster_id) {}

  // Rewrites `raw` (a reader's batch) into `out`, cleared first: values rewritten, keys
  // folded into meta, and with `with_ids` every kept event's id, all in out's arena. An event
  // that is not a JSON object is kept as dropped (its offset still moves the ids). Returns how
  // many were dropped so.
  std::size_t rewrite(const EventBatch& raw, EventBatch& out, bool with_ids);

  // Where the stream stands on every partition.
  ResumeIds& ids() { return ids_; }
  const ResumeIds& ids() const { return ids_; }

 private:
  ResumeIds ids_;
  std::vector<int> topic_slots_;  // raw batch's topic index -> ResumeIds slot
};

}  // namespace eventstreams::pipeline
