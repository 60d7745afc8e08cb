#include "services/metrics_registry.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>

#include "eventstreams/prometheus_labels.h"

namespace eventstreams::services {
namespace {

// prometheus-cpp's label set: names made valid as the text form makes them, values raw (its
// serializer escapes them).
::prometheus::Labels label_map(std::span<const Label> labels) {
  ::prometheus::Labels out;
  for (const Label& l : labels) {
    std::string name;
    prometheus::append_label_name(name, l.name);
    out[name] = std::string(l.value);
  }
  return out;
}

// The key of one series in the faces' maps: the name and the label text of /metrics.
std::string series_key(std::string_view name, std::string_view label_text) {
  std::string key(name);
  key += '{';
  key += label_text;
  return key;
}

std::int64_t to_int(double v) {
  if (!std::isfinite(v)) return 0;
  return static_cast<std::int64_t>(std::llround(v));
}

}  // namespace

class MetricsRegistry::CounterFace final : public Counter {
 public:
  explicit CounterFace(::prometheus::Counter& c) : c_(c) {}
  CounterFace() : owned_(std::make_unique<::prometheus::Counter>()), c_(*owned_) {}
  void add(std::uint64_t n) noexcept override { c_.Increment(static_cast<double>(n)); }
  std::uint64_t value() const noexcept override {
    return static_cast<std::uint64_t>(to_int(c_.Value()));
  }

 private:
  std::unique_ptr<::prometheus::Counter> owned_;  // only when detached
  ::prometheus::Counter& c_;
};

class MetricsRegistry::GaugeFace final : public Gauge {
 public:
  explicit GaugeFace(::prometheus::Gauge& g) : g_(g) {}
  GaugeFace() : owned_(std::make_unique<::prometheus::Gauge>()), g_(*owned_) {}
  void set(std::int64_t v) noexcept override { g_.Set(static_cast<double>(v)); }
  void add(std::int64_t d) noexcept override { g_.Increment(static_cast<double>(d)); }
  std::int64_t value() const noexcept override { return to_int(g_.Value()); }

 private:
  std::unique_ptr<::prometheus::Gauge> owned_;
  ::prometheus::Gauge& g_;
};

// Gauges read from a function at scrape time.
class MetricsRegistry::SampledGauges final : public ::prometheus::Collectable {
 public:
  void add(std::string name, std::string help, std::function<double()> sample) {
    std::lock_guard lock(mutex_);
    entries_.push_back({std::move(name), std::move(help), std::move(sample)});
  }
  std::vector<::prometheus::MetricFamily> Collect() const override {
    std::lock_guard lock(mutex_);
    std::vector<::prometheus::MetricFamily> out;
    for (const auto& e : entries_) {
      ::prometheus::MetricFamily family;
      family.name = e.name;
      family.help = e.help;
      family.type = ::prometheus::MetricType::Gauge;
      family.metric.emplace_back();
      family.metric.back().gauge.value = e.sample();
      out.push_back(std::move(family));
    }
    return out;
  }

 private:
  struct Entry {
    std::string name;
    std::string help;
    std::function<double()> sample;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

MetricsRegistry::MetricsRegistry()
    : registry_(std::make_shared<::prometheus::Registry>()),
      sampled_(std::make_shared<SampledGauges>()),
      detached_counter_(std::make_unique<CounterFace>()),
      detached_gauge_(std::make_unique<GaugeFace>()),
      detached_histogram_(
          std::make_unique<::prometheus::Histogram>(::prometheus::Histogram::BucketBoundaries{})) {}

MetricsRegistry::~MetricsRegistry() = default;

void* MetricsRegistry::family(const std::string& name, std::string_view help, Kind kind) {
  if (auto it = families_.find(name); it != families_.end()) {
    return it->second.kind == kind ? it->second.family : nullptr;
  }
  // The # HELP line is written as given: escape its backslashes and line feeds here.
  const std::string help_line = prometheus::help_text(help);
  void* made = nullptr;
  switch (kind) {
    case Kind::kCounter:
      made = &::prometheus::BuildCounter().Name(name).Help(help_line).Register(*registry_);
      break;
    case Kind::kGauge:
      made = &::prometheus::BuildGauge().Name(name).Help(help_line).Register(*registry_);
      break;
    case Kind::kHistogram:
      made = &::prometheus::BuildHistogram().Name(name).Help(help_line).Register(*registry_);
      break;
  }
  families_.emplace(name, FamilyEntry{kind, made});
  return made;
}

Counter* MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  std::span<const Label> labels) {
  const std::string metric = prometheus::metric_name(name);
  const std::string key = series_key(metric, prometheus::label_text(labels));
  std::lock_guard lock(mutex_);
  if (auto it = counters_.find(key); it != counters_.end()) return it->second.get();
  auto* fam = static_cast<::prometheus::Family<::prometheus::Counter>*>(
      family(metric, help, Kind::kCounter));
  if (fam == nullptr) return detached_counter_.get();
  auto face = std::make_unique<CounterFace>(fam->Add(label_map(labels)));
  return counters_.emplace(key, std::move(face)).first->second.get();
}

Gauge* MetricsRegistry::gauge(std::string_view name, std::string_view help,
                              std::span<const Label> labels) {
  const std::string metric = prometheus::metric_name(name);
  const std::string key = series_key(metric, prometheus::label_text(labels));
  std::lock_guard lock(mutex_);
  if (auto it = gauges_.find(key); it != gauges_.end()) return it->second.get();
  auto* fam =
      static_cast<::prometheus::Family<::prometheus::Gauge>*>(family(metric, help, Kind::kGauge));
  if (fam == nullptr) return detached_gauge_.get();
  auto face = std::make_unique<GaugeFace>(fam->Add(label_map(labels)));
  return gauges_.emplace(key, std::move(face)).first->second.get();
}

::prometheus::Histogram* MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                                    const std::vector<double>& buckets,
                                                    std::span<const Label> labels) {
  const std::string metric = prometheus::metric_name(name);
  std::lock_guard lock(mutex_);
  auto* fam = static_cast<::prometheus::Family<::prometheus::Histogram>*>(
      family(metric, help, Kind::kHistogram));
  if (fam == nullptr) return detached_histogram_.get();
  // Family::Add returns the series already there for the same labels.
  return &fam->Add(label_map(labels), buckets);
}

void MetricsRegistry::sampled_gauge(std::string_view name, std::string_view help,
                                    std::function<double()> sample) {
  sampled_->add(prometheus::metric_name(name), prometheus::help_text(help), std::move(sample));
}

void MetricsRegistry::add_collectable(std::weak_ptr<::prometheus::Collectable> collectable) {
  std::lock_guard lock(mutex_);
  collectables_.push_back(std::move(collectable));
}

std::string MetricsRegistry::render_prometheus() const {
  std::vector<::prometheus::MetricFamily> families = registry_->Collect();
  auto append = [&families](const ::prometheus::Collectable& c) {
    auto more = c.Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  };
  append(*sampled_);
  std::vector<std::shared_ptr<::prometheus::Collectable>> others;
  {
    std::lock_guard lock(mutex_);
    for (const auto& weak : collectables_) {
      if (auto c = weak.lock()) others.push_back(std::move(c));
    }
  }
  for (const auto& c : others) append(*c);
  std::stable_sort(families.begin(), families.end(),
                   [](const auto& a, const auto& b) { return a.name < b.name; });
  return ::prometheus::TextSerializer().Serialize(families);
}

std::int64_t MetricsRegistry::value(std::string_view name, std::string_view labels) const {
  const std::string key = series_key(name, labels);
  std::lock_guard lock(mutex_);
  if (auto c = counters_.find(key); c != counters_.end()) {
    return static_cast<std::int64_t>(c->second->value());
  }
  if (auto g = gauges_.find(key); g != gauges_.end()) return g->second->value();
  return 0;
}

void count_error(MetricsRegistry& metrics, std::string_view type) {
  const Label label[] = {{"type", type}};
  metrics
      .counter("eventstreams_errors_total", "Errors, by type: problems answered and streams ended",
               label)
      ->add();
}

}  // namespace eventstreams::services
