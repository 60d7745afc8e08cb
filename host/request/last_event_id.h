#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::request {

struct LastEventIdEntry {
  std::string topic;
  std::int32_t partition = 0;
  std::optional<std::int64_t> offset;     // next offset to read; -1 end, -2 beginning
  std::optional<std::int64_t> timestamp;  // ms
  std::optional<std::string> cluster;     // marker of the Kafka cluster the offset came from
};

// Parses the Last-Event-ID header (SPEC section 2): a JSON array whose elements are either
// - the original's per-partition objects {topic, partition, timestamp} or {topic, partition,
//   offset} (extra keys ignored; a string "cluster" is read if present, a non-string one is
//   ignored; both offset and timestamp may be present, which one wins is the caller's
//   decision), or
// - the compact per-topic objects the server sends (pipeline/resume_ids.h), told apart by
//   having no "partition" and one of "offsets", "timestamps" or "partitions":
//   {topic, cluster?, offset?, timestamp?, offsets?: [..], timestamps?: [..]} names partition
//   p at offset + offsets[p] and timestamp + timestamps[p] (a missing base counts as 0, a null
//   element as absent, a partition with neither is not named), and
//   {topic, partitions: N, offset? / timestamp?} names partitions 0..N-1 all at the bases.
// Both forms may be mixed; entries come out in order, one per partition named.
// An empty or all-whitespace header returns true with `out` empty (treated as absent).
// Otherwise returns false, with `error` set to a human sentence naming the element index and
// field, for: malformed JSON (including invalid UTF-8 and trailing data), not an array, an empty
// array, an element that is not an object, a missing, non-string or empty topic, a missing or
// non-integer partition (also negative or > INT32_MAX), neither offset nor timestamp, or a present
// offset / timestamp that is not an integral JSON number fitting int64 (1.5, 1e3, "12", true and
// null are all rejected); in the compact form also arrays that are not arrays of integers or
// null, a base + difference that overflows int64, a topic object naming no partition, and more
// than 65,536 partitions in all. `out` is cleared first; on error its content is unspecified.
bool parse_last_event_id(std::string_view header, std::vector<LastEventIdEntry>& out,
                         std::string& error);

}  // namespace eventstreams::request
