// The server's metrics, kept in a prometheus-cpp registry and rendered in the Prometheus text
// format at GET /metrics.
//
// Counters and gauges are handed out as the plugin API's Counter / Gauge (what HostServices
// lends plugins), so host and plugins count the same way. Names and label names are made
// valid here (eventstreams/prometheus_labels.h); label values are escaped by prometheus-cpp's
// serializer. A name is one kind: asking for a name of another kind returns a metric that
// counts but is never exported. Histograms are the host's own. Values read at scrape time
// (gauges of other components, the consumer lag board) come in as prometheus-cpp
// Collectables.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/host_services.h"

namespace eventstreams::services {

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Never null; the metric lives as long as the registry.
  Counter* counter(std::string_view name, std::string_view help,
                   std::span<const Label> labels = {});
  Gauge* gauge(std::string_view name, std::string_view help, std::span<const Label> labels = {});
  // Never null. `buckets` are the upper bounds (ascending); the first request for a name fixes
  // them for the family.
  ::prometheus::Histogram* histogram(std::string_view name, std::string_view help,
                                     const std::vector<double>& buckets,
                                     std::span<const Label> labels = {});
  // A gauge family whose values are read at scrape time (on the scraping thread): `sample`
  // must stay callable as long as the registry. Not readable through value().
  void sampled_gauge(std::string_view name, std::string_view help, std::function<double()> sample);
  // Metrics another component assembles at scrape time; it must outlive the registry's use.
  void add_collectable(std::weak_ptr<::prometheus::Collectable> collectable);

  // The text exposition of every metric, families sorted by name.
  std::string render_prometheus() const;
  // Value of a counter or gauge, 0 when absent (tests, /_info). `labels` is the label text as
  // /metrics shows it between the braces, e.g. `format="sse",stream="recentchange"`.
  std::int64_t value(std::string_view name, std::string_view labels = {}) const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct FamilyEntry {
    Kind kind;
    void* family;  // ::prometheus::Family<T>* of the kind
  };
  // The family of that name, made on first use; null when the name is of another kind.
  void* family(const std::string& name, std::string_view help, Kind kind);

  std::shared_ptr<::prometheus::Registry> registry_;
  mutable std::mutex mutex_;
  std::map<std::string, FamilyEntry, std::less<>> families_;
  // The plugin-API faces of prometheus-cpp metrics, by name and label text.
  class CounterFace;
  class GaugeFace;
  std::map<std::string, std::unique_ptr<CounterFace>, std::less<>> counters_;
  std::map<std::string, std::unique_ptr<GaugeFace>, std::less<>> gauges_;
  class SampledGauges;
  std::shared_ptr<SampledGauges> sampled_;
  std::vector<std::weak_ptr<::prometheus::Collectable>> collectables_;
  // What a request for the wrong kind gets: counts, never rendered.
  std::unique_ptr<CounterFace> detached_counter_;
  std::unique_ptr<GaugeFace> detached_gauge_;
  std::unique_ptr<::prometheus::Histogram> detached_histogram_;
};

// eventstreams_errors_total{type}: one more error of `type` (a SPEC 4 problem type such as
// "not_found", or what ended a stream: "client_too_slow", "source_error").
void count_error(MetricsRegistry& metrics, std::string_view type);

}  // namespace eventstreams::services
