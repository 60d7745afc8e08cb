#include "streaming/stream_metrics.h"

#include <algorithm>
#include <string>

namespace eventstreams::streaming {
namespace {

constexpr const char* kDelayName = "eventstreams_event_delay_seconds";
constexpr const char* kDelayHelp =
    "Seconds from an event's Kafka timestamp to its hand-over to the clients' sockets";

std::vector<std::string_view> split_streams(std::string_view streams) {
  std::vector<std::string_view> out;
  while (!streams.empty()) {
    const std::size_t comma = streams.find(',');
    const std::string_view name = streams.substr(0, comma);
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    if (comma == std::string_view::npos) break;
    streams.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

StreamMetrics::StreamMetrics(services::MetricsRegistry& metrics)
    : metrics_(metrics), lag_board_(std::make_shared<ConsumerLagBoard>()) {
  const Label live[] = {{"reader", "live"}};
  const Label catch_up[] = {{"reader", "catch_up"}};
  live_delay_ = metrics.histogram(kDelayName, kDelayHelp, delay_buckets(), live);
  catch_up_delay_ = metrics.histogram(kDelayName, kDelayHelp, delay_buckets(), catch_up);
  metrics.add_collectable(lag_board_);
}

const std::vector<double>& StreamMetrics::delay_buckets() {
  // From what a live tail takes (a few ms) to a replay of yesterday.
  static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,  1,
                                              2.5,   5,    10,    30,   60,  300,  3600, 86400};
  return buckets;
}

std::vector<Gauge*> StreamMetrics::connected_gauges(std::string_view streams) {
  std::vector<Gauge*> out;
  for (const std::string_view name : split_streams(streams)) {
    const Label label[] = {{"stream", name}};
    out.push_back(metrics_.gauge("eventstreams_connected_clients",
                                 "Clients connected now, by stream", label));
  }
  return out;
}

Counter* StreamMetrics::connections_counter(std::string_view streams) {
  std::vector<std::string_view> names = split_streams(streams);
  std::sort(names.begin(), names.end());
  std::string set;
  for (const auto name : names) {
    if (!set.empty()) set += ',';
    set += name;
  }
  const Label label[] = {{"streams", set}};
  return metrics_.counter("eventstreams_client_connections_total",
                          "Stream connections made, by sorted stream set", label);
}

}  // namespace eventstreams::streaming
