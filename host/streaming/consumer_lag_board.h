// eventstreams_consumer_lag{topic,partition}: how many events the broker holds past what the
// live hubs have delivered, per topic-partition (SPEC 5).
//
// Each live hub posts what its reader reports (SourceReader::lag) about once a second from its
// loop thread, and withdraws it when it stops being live or ends; a scrape of /metrics reads
// the board. Where several live hubs read one partition (topic sets that overlap), the series
// shows the one furthest behind. Catch-up readers are left out: they are behind by design.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "eventstreams/source.h"

namespace eventstreams::streaming {

class ConsumerLagBoard final : public ::prometheus::Collectable {
 public:
  static constexpr const char* kName = "eventstreams_consumer_lag";

  // Replaces what `owner` posted before.
  void post(const void* owner, std::span<const PartitionLag> lags);
  void withdraw(const void* owner);
  std::vector<::prometheus::MetricFamily> Collect() const override;

 private:
  struct Entry {
    std::string topic;
    std::int32_t partition;
    std::int64_t lag;
  };
  mutable std::mutex mutex_;
  std::map<const void*, std::vector<Entry>> posts_;
};

}  // namespace eventstreams::streaming
