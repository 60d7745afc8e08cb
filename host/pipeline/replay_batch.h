// What a client resuming a little behind a live hub lacks, gathered from the hub's recent
// events (its replay ring) into a batch of its own, with ids of its own: the ids say where
// this client stands until it stands where the hub does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/event_batch.h"
#include "pipeline/partition_start.h"
#include "pipeline/resume_ids.h"

namespace eventstreams::pipeline {

class ReplayBatch {
 public:
  // `starts`: every partition of the client, at the next offset it needs.
  ReplayBatch(const std::vector<PartitionStart>& starts, const std::string& cluster_id,
              bool with_ids);

  // One event of the ring, oldest first; those the client has already are skipped.
  void add(const std::string& topic, const Event& event, std::string_view value);

  EventBatch& batch() { return batch_; }

 private:
  struct Want {
    std::string topic;
    std::int32_t partition;
    std::int64_t next;
    int slot;
  };
  ResumeIds ids_;
  bool with_ids_;
  std::vector<Want> wants_;
  EventBatch batch_;
};

}  // namespace eventstreams::pipeline
