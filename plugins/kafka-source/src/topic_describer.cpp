#include "topic_describer.h"

#include "kafka_errors.h"

namespace eventstreams::kafka {
namespace {

int remaining_ms(TopicDescriber::Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - TopicDescriber::Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

SourceStatus not_found(const std::string& topic) {
  return {SourceStatus::Code::kTopicNotFound, "Topic " + topic + " not found in Kafka"};
}

}  // namespace

SourceStatus TopicDescriber::describe(const std::vector<std::string>& topics,
                                      std::vector<TopicPartitions>& out, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : 0);
  out.clear();
  out.reserve(topics.size());
  for (const auto& topic : topics) {
    std::int32_t partitions = 0;
    bool cached = false;
    {
      std::lock_guard lock(mu_);
      const auto it = cache_.find(topic);
      if (it != cache_.end() && Clock::now() - it->second.fetched < ttl_) {
        partitions = it->second.partitions;
        cached = true;
      }
    }
    if (!cached) {
      const int left = remaining_ms(deadline);
      if (left <= 0) {
        return {SourceStatus::Code::kTimeout, "Kafka metadata for topic " + topic +
                                                  ": no answer within " +
                                                  std::to_string(timeout_ms) + " ms"};
      }
      SourceStatus s = fetch(topic, partitions, left);
      if (!s.ok()) return s;
      std::lock_guard lock(mu_);
      cache_[topic] = Entry{partitions, Clock::now()};
    }
    out.push_back(TopicPartitions{topic, partitions});
  }
  return SourceStatus::Ok();
}

SourceStatus TopicDescriber::fetch(const std::string& topic, std::int32_t& partitions,
                                   int timeout_ms) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
  if (rkt == nullptr) {
    return {SourceStatus::Code::kError,
            "Kafka: invalid topic name " + topic + ": " + error_text(rd_kafka_last_error())};
  }
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk_, 0, rkt, &md, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return request_error(err, "metadata for topic " + topic);
  }
  SourceStatus status = not_found(topic);
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || t.partition_cnt == 0) break;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR && t.err != RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE) {
      status = request_error(t.err, "metadata for topic " + topic);
      break;
    }
    partitions = t.partition_cnt;
    status = SourceStatus::Ok();
    break;
  }
  rd_kafka_metadata_destroy(md);
  return status;
}

}  // namespace eventstreams::kafka
