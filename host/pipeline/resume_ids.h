// The SSE `id` of each event: every assigned partition's position (SPEC 2.1).
//
// A partition that delivered an event is named by {topic, partition, timestamp: ts + 1}; one
// that has not, by the position it started from. Each entry also carries the exact next
// offset and the marker of the cluster it came from, so a reconnect to the same cluster
// resumes exactly; elsewhere the timestamp is used. Entries are kept as ready text and only
// the partition that moved is rewritten, so building an id is one concatenation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/partition_start.h"

namespace eventstreams::pipeline {

class ResumeIds {
 public:
  ResumeIds(const std::vector<PartitionStart>& partitions, const std::string& cluster_id);

  // A topic's slot for advance(), or -1 when the topic is not assigned. Callers cache it per
  // topic so the per-event path does no string look-up.
  int topic_slot(std::string_view topic) const;

  // Records that (topic slot, partition) delivered `offset` with `timestamp`. Unknown
  // partitions (not assigned) are ignored.
  void advance(int topic_slot, std::int32_t partition, std::int64_t offset, std::int64_t timestamp);

  // Appends the current id (a JSON array) to `out`.
  void append_id(std::string& out) const;
  std::string id() const {
    std::string s;
    append_id(s);
    return s;
  }

  // The current positions, as starts for another hub (e.g. a client leaving this one).
  std::vector<PartitionStart> positions() const;

  // True when both name the same partitions at the same next offsets.
  bool same_offsets(const ResumeIds& other) const;

  // The reader caught up with the head at `now_ms`: partitions that delivered nothing are
  // from now on named by that time (nothing on them was missed up to it).
  void caught_up_at(std::int64_t now_ms);

 private:
  struct Entry {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t next_offset = 0;
    bool has_timestamp = false;
    bool delivered = false;
    std::int64_t timestamp = 0;  // the resume timestamp (event ts + 1, or the start time)
    std::string text;
    // The parts of `text` that never change, escaped once: {"topic":..,"partition":N and
    // ,"cluster":..} (or just }). render() runs per event; only numbers are formatted there.
    std::string head;
    std::string tail;
  };
  void render(Entry& e) const;

  std::vector<Entry> entries_;
  std::vector<std::string> topics_;                           // by slot
  std::vector<std::vector<std::size_t>> entry_by_partition_;  // by slot, then partition
};

}  // namespace eventstreams::pipeline
