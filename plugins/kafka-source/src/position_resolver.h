// Turns start specs (latest, earliest, offset, timestamp) into concrete offsets.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <vector>

#include "eventstreams/source.h"

namespace eventstreams::kafka {

struct Watermarks {
  std::int64_t low = 0;   // oldest retained offset
  std::int64_t high = 0;  // offset the next event will get
};

// Where `spec` starts, given its partition's watermarks and, for a timestamp spec, the offset
// the time index answered (`time_offset`, -1 when it has none). Pure.
//   latest -> high; earliest -> low;
//   offset -1 -> high, -2 -> low, other negatives -> high, > high -> high (SPEC 2: out of
//     range falls back to the end), < low -> low with truncated;
//   timestamp -> the answer, clamped like an offset; -1 (no event at or after that time) ->
//     high. An answer equal to a low watermark above 0 is flagged truncated: the requested
//     time may predate retention. This is an approximation: Kafka cannot tell whether the
//     deleted events were older than the requested time, so a request that lands exactly
//     on the oldest retained event is reported as truncated too.
StartPosition place(const StartSpec& spec, Watermarks wm, std::int64_t time_offset) noexcept;

class PositionResolver {
 public:
  explicit PositionResolver(rd_kafka_t* rk) noexcept : rk_(rk) {}

  // Watermarks of every partition named (two offsets_for_times calls: oldest, next), then
  // one offsets_for_times call for all timestamp specs, all within `timeout_ms`. Errors map to
  // kTimeout / kUnavailable / kTopicNotFound / kError.
  SourceStatus resolve(const std::vector<StartSpec>& specs, std::vector<StartPosition>& out,
                       int timeout_ms) const;

 private:
  rd_kafka_t* rk_;
};

}  // namespace eventstreams::kafka
