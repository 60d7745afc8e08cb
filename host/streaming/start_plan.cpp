#include "streaming/start_plan.h"

#include <algorithm>

#include "streaming/replay_ring.h"

namespace eventstreams::streaming {

Expected<std::vector<StartSpec>, Problem> start_specs(
    const std::string& cluster, const std::optional<std::int64_t>& since,
    const std::vector<request::LastEventIdEntry>& last_event_id,
    const std::vector<TopicPartitions>& layout) {
  std::vector<StartSpec> specs;
  for (const auto& t : layout) {
    for (std::int32_t p = 0; p < t.partitions; ++p) {
      StartSpec s{t.topic, p, StartSpec::Kind::kLatest, 0};
      if (since) s = {t.topic, p, StartSpec::Kind::kTimestamp, *since};
      specs.push_back(s);
    }
  }
  for (const auto& e : last_event_id) {
    auto it = std::find_if(specs.begin(), specs.end(), [&](const StartSpec& s) {
      return s.topic == e.topic && s.partition == e.partition;
    });
    if (it == specs.end()) {
      return unexpected(Problem{400, "invalid_last_event_id", "Invalid Last-Event-ID",
                                "Last-Event-ID names partition " + std::to_string(e.partition) +
                                    " of topic '" + e.topic + "', which does not exist",
                                0});
    }
    // SPEC 2: the exact offset only where it came from this cluster, else the timestamp.
    const bool same_cluster = e.cluster && !cluster.empty() && *e.cluster == cluster;
    if (e.offset && (same_cluster || !e.timestamp)) {
      if (*e.offset == -1) {
        it->kind = StartSpec::Kind::kLatest;
      } else if (*e.offset == -2) {
        it->kind = StartSpec::Kind::kEarliest;
      } else {
        it->kind = StartSpec::Kind::kOffset;
        it->value = *e.offset;
      }
    } else {
      it->kind = StartSpec::Kind::kTimestamp;
      it->value = *e.timestamp;
    }
  }
  return specs;
}

std::optional<std::vector<PartitionStart>> exact_starts(const std::vector<StartSpec>& specs,
                                                        std::int64_t now_ms) {
  std::vector<PartitionStart> starts;
  for (const StartSpec& s : specs) {
    if (s.kind == StartSpec::Kind::kOffset) {
      starts.push_back({s.topic, s.partition, s.value, std::nullopt});
    } else if (s.kind == StartSpec::Kind::kLatest) {
      starts.push_back({s.topic, s.partition, ReplayRing::kAtHead, now_ms});
    } else {
      return std::nullopt;
    }
  }
  return starts;
}

std::vector<PartitionStart> resolved_starts(const std::vector<StartSpec>& specs,
                                            const std::vector<StartPosition>& positions,
                                            std::int64_t now_ms) {
  std::vector<PartitionStart> starts;
  starts.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    PartitionStart p{positions[i].topic, positions[i].partition, positions[i].offset, {}};
    if (i < specs.size()) {
      if (specs[i].kind == StartSpec::Kind::kTimestamp) p.timestamp = specs[i].value;
      if (specs[i].kind == StartSpec::Kind::kLatest) p.timestamp = now_ms;
    }
    starts.push_back(std::move(p));
  }
  return starts;
}

std::string truncated_partitions(const std::vector<StartPosition>& positions) {
  std::string out;
  for (const auto& p : positions) {
    if (!p.truncated) continue;
    if (!out.empty()) out += ',';
    out += p.topic + "/" + std::to_string(p.partition);
  }
  return out;
}

Problem source_problem(const SourceStatus& s) {
  switch (s.code) {
    case SourceStatus::Code::kTopicNotFound:
      return {503, "topic_not_available", "Topic Not Available", s.message, 0};
    case SourceStatus::Code::kTimeout:
      return {504, "kafka_error", "Kafka Timeout", s.message, 0};
    default:
      return {502, "kafka_error", "Kafka Error", s.message, 0};
  }
}

}  // namespace eventstreams::streaming
