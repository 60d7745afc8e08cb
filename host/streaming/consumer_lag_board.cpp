#include "streaming/consumer_lag_board.h"

#include <algorithm>
#include <utility>

namespace eventstreams::streaming {

void ConsumerLagBoard::post(const void* owner, std::span<const PartitionLag> lags) {
  std::vector<Entry> entries;
  entries.reserve(lags.size());
  for (const PartitionLag& l : lags) entries.push_back({std::string(l.topic), l.partition, l.lag});
  std::lock_guard lock(mutex_);
  posts_[owner] = std::move(entries);
}

void ConsumerLagBoard::withdraw(const void* owner) {
  std::lock_guard lock(mutex_);
  posts_.erase(owner);
}

std::vector<::prometheus::MetricFamily> ConsumerLagBoard::Collect() const {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> worst;
  {
    std::lock_guard lock(mutex_);
    for (const auto& post : posts_) {
      for (const Entry& e : post.second) {
        auto [it, fresh] = worst.try_emplace({e.topic, e.partition}, e.lag);
        if (!fresh) it->second = std::max(it->second, e.lag);
      }
    }
  }
  ::prometheus::MetricFamily family;
  family.name = kName;
  family.help =
      "Events the broker holds past what the live hubs delivered, per topic-partition (the "
      "largest where several live hubs read one)";
  family.type = ::prometheus::MetricType::Gauge;
  for (const auto& [where, lag] : worst) {
    ::prometheus::ClientMetric m;
    m.label = {{"partition", std::to_string(where.second)}, {"topic", where.first}};
    m.gauge.value = static_cast<double>(lag);
    family.metric.push_back(std::move(m));
  }
  return {std::move(family)};
}

}  // namespace eventstreams::streaming
