// The SSE `id` of each event: every assigned partition's position (SPEC 2.1), compact.
//
// A partition that delivered an event is named by its next offset and timestamp ts + 1; one
// that has not, by the position it started from. A topic of which one partition is assigned
// (Wikimedia's topics have one) is named by the original's object plus the cluster marker:
//
//   {"topic":"a","partition":0,"cluster":"c1","offset":1205,"timestamp":1700000000001}
//
// Any other topic gets one JSON object for all its partitions, with
// the partitions' positions as differences from bases the object also carries, listed in
// partition order in a packed string (request/packed_numbers.h: one to three characters for
// most differences):
//
//   [{"topic":"a","cluster":"c1","offset":1200,"timestamp":1700000000000,
//     "offsets":"LBhD","timestamps":"DBA"}]
//
// names a/0 at offset 1205 and time 1700000000001, a/1 at 1200 and 1700000000000, a/2 at 1217
// with no time known. A few bytes a partition instead of 115 for the original's objects, so
// that ids of 1,024 partitions and more fit in the 8 KiB header limits of POCO and of proxies
// (nginx) when sent back as Last-Event-ID. The cluster marker lets a reconnect to the same
// cluster resume by offset; elsewhere the timestamp is used.
//
// An id that would still be longer than kMaxIdBytes (very many partitions, or offsets and
// times far apart) is sent in a coarse form instead, one {"topic","partitions":N,"timestamp"}
// per topic holding the earliest time of its partitions: a resume then repeats events but
// loses none, and the id is always short enough to come back.
//
// The id is kept as ready text: an event rewrites the two numbers of the partition that moved,
// in place, and building an id is one append.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/partition_start.h"

namespace eventstreams::pipeline {

class ResumeIds {
 public:
  // Longest id sent in the compact form: a Last-Event-ID header line of it, name and CRLF
  // included, fits POCO's 8,192-byte value limit and nginx's 8 KiB header buffer.
  static constexpr std::size_t kMaxIdBytes = 8000;

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
    std::size_t topic = 0;  // index into topics_
    std::int32_t partition = 0;
    std::int64_t next_offset = 0;
    std::optional<std::int64_t> timestamp;  // the resume time (event ts + 1, or the start time)
    bool delivered = false;
    // Where its two numbers sit in text_ (indices into fields_).
    std::size_t offset_field = 0;
    std::size_t timestamp_field = 0;
  };
  struct Topic {
    std::string name;
    std::vector<std::size_t> entry_by_partition;  // SIZE_MAX where not assigned
    std::int64_t offset_base = 0;
    std::optional<std::int64_t> timestamp_base;
    std::size_t assigned = 0;  // partitions named (1: the original's object, render_single)
  };
  // A number's place in text_. Kept in text order, so a number that changes length moves
  // the ones after it.
  struct Field {
    std::size_t pos = 0;
    std::size_t length = 0;
  };

  // Picks every topic's bases (the smallest offset and time of its partitions) and renders
  // the whole id. Runs at construction, when a topic gets its first time, and when the id
  // outgrows kMaxIdBytes (differences from fresh bases are shorter).
  void rebuild();
  // One-partition topics: the original's object, and its numbers as plain decimals.
  void render_single(Topic& t);
  std::size_t add_decimal_field(std::int64_t value);
  void write_decimal_field(std::size_t field, std::int64_t value);
  void set_offset(const Entry& e);
  void set_timestamp(const Entry& e);
  void write_field(std::size_t field, const char* digits, std::size_t length);
  void after_change();
  void append_coarse_id(std::string& out) const;

  std::string cluster_id_;
  std::vector<Topic> topics_;  // by slot
  std::vector<Entry> entries_;
  std::vector<Field> fields_;
  std::string text_;
  // Advances since a rebuild for size left the id too long: the next attempt waits for as
  // many advances as there are partitions, so an id that stays too long costs O(1) amortized.
  std::size_t advances_since_failed_rebuild_ = 0;
  bool rebuild_failed_ = false;
};

}  // namespace eventstreams::pipeline
