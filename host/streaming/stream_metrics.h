// The streaming engine's metrics that take more than one counter (SPEC 5): clients per stream
// and connections per stream set, as the original names them, the produce-to-send delay of
// events, and the consumer lag board. The engine owns one; its hubs share it.
#pragma once

#include <prometheus/histogram.h>

#include <memory>
#include <string_view>
#include <vector>

#include "eventstreams/host_services.h"
#include "services/metrics_registry.h"
#include "streaming/consumer_lag_board.h"

namespace eventstreams::streaming {

class StreamMetrics {
 public:
  explicit StreamMetrics(services::MetricsRegistry& metrics);

  // eventstreams_connected_clients{stream}: one gauge per stream of `streams` (the request's
  // comma-separated list; a client of "a,b" counts for a and for b, as in the original).
  std::vector<Gauge*> connected_gauges(std::string_view streams);
  // eventstreams_client_connections_total{streams}: the stream set sorted, so "b,a" and "a,b"
  // are one series, as in the original.
  Counter* connections_counter(std::string_view streams);
  // eventstreams_event_delay_seconds{reader}: now minus the Kafka timestamp of each event a hub
  // hands to its clients; reader is "live" or "catch_up" (the latter includes the age of
  // whatever a client asked to replay).
  ::prometheus::Histogram* delay(bool live) const { return live ? live_delay_ : catch_up_delay_; }
  static const std::vector<double>& delay_buckets();
  ConsumerLagBoard& lag_board() { return *lag_board_; }

 private:
  services::MetricsRegistry& metrics_;
  ::prometheus::Histogram* live_delay_;
  ::prometheus::Histogram* catch_up_delay_;
  std::shared_ptr<ConsumerLagBoard> lag_board_;
};

}  // namespace eventstreams::streaming
