#include "position_resolver.h"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "kafka_errors.h"

namespace eventstreams::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using PartitionKey = std::pair<std::string, std::int32_t>;

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string partition_name(const std::string& topic, std::int32_t partition) {
  return topic + "/" + std::to_string(partition);
}

SourceStatus out_of_time(int timeout_ms) {
  return {SourceStatus::Code::kTimeout,
          "Kafka did not answer offset requests within " + std::to_string(timeout_ms) + " ms"};
}

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

}  // namespace

StartPosition place(const StartSpec& spec, Watermarks wm, std::int64_t time_offset) noexcept {
  StartPosition pos;
  pos.topic = spec.topic;
  pos.partition = spec.partition;
  auto clamp = [&](std::int64_t offset) {
    if (offset > wm.high) {
      pos.offset = wm.high;
    } else if (offset < wm.low) {
      pos.offset = wm.low;
      pos.truncated = true;
    } else {
      pos.offset = offset;
    }
  };
  switch (spec.kind) {
    case StartSpec::Kind::kLatest:
      pos.offset = wm.high;
      break;
    case StartSpec::Kind::kEarliest:
      pos.offset = wm.low;
      break;
    case StartSpec::Kind::kOffset:
      if (spec.value == RD_KAFKA_OFFSET_BEGINNING) {
        pos.offset = wm.low;
      } else if (spec.value < 0) {
        pos.offset = wm.high;  // -1 (end) and anything else out of range
      } else {
        clamp(spec.value);
      }
      break;
    case StartSpec::Kind::kTimestamp:
      if (time_offset < 0) {
        pos.offset = wm.high;
      } else {
        clamp(time_offset);
        if (pos.offset == wm.low && wm.low > 0) pos.truncated = true;
      }
      break;
  }
  return pos;
}

SourceStatus PositionResolver::resolve(const std::vector<StartSpec>& specs,
                                       std::vector<StartPosition>& out, int timeout_ms) const {
  out.clear();
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 0);

  std::map<PartitionKey, Watermarks> watermarks;
  for (const auto& spec : specs)
    watermarks.emplace(PartitionKey{spec.topic, spec.partition}, Watermarks{});
  // Watermarks through offsets_for_times with ListOffsets' own "timestamps" for the oldest
  // (-2) and the next (-1) offset, not query_watermark_offsets: before librdkafka 2.3 that
  // one ignores its timeout while a partition's leader is down (librdkafka #2588, #4460), so
  // a request made while the broker is down would hang its HTTP thread until it is back.
  for (const bool high : {false, true}) {
    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(
        rd_kafka_topic_partition_list_new(static_cast<int>(watermarks.size())));
    for (const auto& [key, wm] : watermarks) {
      rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset =
          high ? RD_KAFKA_OFFSET_END : RD_KAFKA_OFFSET_BEGINNING;
    }
    const int left = remaining_ms(deadline);
    if (left <= 0) return out_of_time(timeout_ms);
    const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk_, list.get(), left);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Name the partition that failed (e.g. an unknown one) where the answer says which.
      for (int i = 0; i < list->cnt; ++i) {
        const rd_kafka_topic_partition_t& tp = list->elems[i];
        if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          return request_error(err, "watermarks of " + partition_name(tp.topic, tp.partition));
        }
      }
      return request_error(err, "watermarks");
    }
    for (auto& [key, wm] : watermarks) {
      const rd_kafka_topic_partition_t* tp =
          rd_kafka_topic_partition_list_find(list.get(), key.first.c_str(), key.second);
      if (tp == nullptr) return {SourceStatus::Code::kError, "Kafka watermarks: no answer"};
      if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return request_error(tp->err, "watermarks of " + partition_name(key.first, key.second));
      }
      (high ? wm.high : wm.low) = tp->offset;
    }
  }

  // Timestamp specs: one offsets_for_times call for all of them (more only when a partition
  // is named twice, since a call answers each partition once).
  std::vector<std::int64_t> time_offsets(specs.size(), -1);
  std::vector<std::vector<std::size_t>> rounds;
  std::vector<std::set<PartitionKey>> round_partitions;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].kind != StartSpec::Kind::kTimestamp) continue;
    const PartitionKey key{specs[i].topic, specs[i].partition};
    std::size_t r = 0;
    while (r < rounds.size() && round_partitions[r].count(key) != 0) ++r;
    if (r == rounds.size()) {
      rounds.emplace_back();
      round_partitions.emplace_back();
    }
    rounds[r].push_back(i);
    round_partitions[r].insert(key);
  }
  for (const auto& round : rounds) {
    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> list(
        rd_kafka_topic_partition_list_new(static_cast<int>(round.size())));
    for (const std::size_t i : round) {
      rd_kafka_topic_partition_list_add(list.get(), specs[i].topic.c_str(), specs[i].partition)
          ->offset = specs[i].value;
    }
    const int left = remaining_ms(deadline);
    if (left <= 0) return out_of_time(timeout_ms);
    const rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk_, list.get(), left);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return request_error(err, "offsets for times");
    for (const std::size_t i : round) {
      const rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_find(
          list.get(), specs[i].topic.c_str(), specs[i].partition);
      if (tp == nullptr) return {SourceStatus::Code::kError, "Kafka offsets for times: no answer"};
      if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return request_error(tp->err,
                             "offset for time of " + partition_name(tp->topic, tp->partition));
      }
      time_offsets[i] = tp->offset;
    }
  }

  out.reserve(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const Watermarks wm = watermarks[PartitionKey{specs[i].topic, specs[i].partition}];
    out.push_back(place(specs[i], wm, time_offsets[i]));
  }
  return SourceStatus::Ok();
}

}  // namespace eventstreams::kafka
