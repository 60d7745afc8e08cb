// Where every partition of a request starts (SPEC 2), decided before any reader exists: pure
// functions of the request, the topics' layout and the cluster, so they are tested alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "common/problem.h"
#include "eventstreams/source.h"
#include "request/last_event_id.h"
#include "streaming/stream_plan.h"

namespace eventstreams::streaming {

// One spec per partition of `layout`: the Last-Event-ID entry naming it (its exact offset
// when the id came from `cluster`, else its timestamp), else `since`, else the end. An entry
// naming a partition that does not exist is refused (400 invalid_last_event_id).
Expected<std::vector<StartSpec>, Problem> start_specs(
    const std::string& cluster, const std::optional<std::int64_t>& since,
    const std::vector<request::LastEventIdEntry>& last_event_id,
    const std::vector<TopicPartitions>& layout);

// The starts of an exact resume (every partition at an offset of this cluster, or at the
// end, ReplayRing::kAtHead), which a live hub's recent events may serve without asking Kafka;
// nothing for any other.
std::optional<std::vector<PartitionStart>> exact_starts(const std::vector<StartSpec>& specs,
                                                        std::int64_t now_ms);

// The starts a reader is opened at, from the source's answer to `specs` (same order): what
// each partition's resume id says before it delivers, the time it started from when known.
std::vector<PartitionStart> resolved_starts(const std::vector<StartSpec>& specs,
                                            const std::vector<StartPosition>& positions,
                                            std::int64_t now_ms);

// "topic/partition,..." of the positions whose requested start lay before the oldest retained
// event (X-Replay-Truncated, SPEC 2); "" when none.
std::string truncated_partitions(const std::vector<StartPosition>& positions);

// The answer to a source that failed before the stream started (SPEC 4): 503 for a topic that
// does not exist, 504 for a timeout, 502 otherwise.
Problem source_problem(const SourceStatus& status);

}  // namespace eventstreams::streaming
