#include "services/metrics_registry.h"

#include "eventstreams/prometheus_labels.h"

namespace eventstreams::services {

MetricsRegistry::Family* MetricsRegistry::family(std::string_view name, std::string_view help,
                                                 bool is_gauge) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.help = prometheus::help_text(help);
    it->second.is_gauge = is_gauge;
  }
  return it->second.is_gauge == is_gauge ? &it->second : nullptr;
}

MetricsRegistry::AtomicCounter* MetricsRegistry::counter_locked(std::string_view name,
                                                                std::string_view help,
                                                                std::string_view labels) {
  Family* fam = family(name, help, false);
  if (fam == nullptr) return &detached_counter_;
  auto it = fam->counters.find(labels);
  if (it == fam->counters.end()) {
    it = fam->counters.emplace(std::string(labels), std::make_unique<AtomicCounter>()).first;
  }
  return it->second.get();
}

MetricsRegistry::AtomicGauge* MetricsRegistry::gauge_locked(std::string_view name,
                                                            std::string_view help,
                                                            std::string_view labels) {
  Family* fam = family(name, help, true);
  if (fam == nullptr) return &detached_gauge_;
  auto it = fam->gauges.find(labels);
  if (it == fam->gauges.end()) {
    it = fam->gauges.emplace(std::string(labels), std::make_unique<AtomicGauge>()).first;
  }
  return it->second.get();
}

Counter* MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  std::span<const Label> labels) {
  const std::string metric = prometheus::metric_name(name);
  const std::string text = prometheus::label_text(labels);
  std::lock_guard lock(mutex_);
  return counter_locked(metric, help, text);
}

Gauge* MetricsRegistry::gauge(std::string_view name, std::string_view help,
                              std::span<const Label> labels) {
  const std::string metric = prometheus::metric_name(name);
  const std::string text = prometheus::label_text(labels);
  std::lock_guard lock(mutex_);
  return gauge_locked(metric, help, text);
}

Counter* MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  std::string_view labels) {
  std::lock_guard lock(mutex_);
  return counter_locked(name, help, labels);
}

std::atomic<std::int64_t>* MetricsRegistry::gauge(std::string_view name, std::string_view help,
                                                  std::string_view labels) {
  std::lock_guard lock(mutex_);
  return &gauge_locked(name, help, labels)->cell();
}

std::int64_t MetricsRegistry::value(std::string_view name, std::string_view labels) const {
  std::lock_guard lock(mutex_);
  auto fam = families_.find(name);
  if (fam == families_.end()) return 0;
  if (auto c = fam->second.counters.find(labels); c != fam->second.counters.end()) {
    return static_cast<std::int64_t>(c->second->value());
  }
  if (auto g = fam->second.gauges.find(labels); g != fam->second.gauges.end()) {
    return g->second->value();
  }
  return 0;
}

std::string MetricsRegistry::render_prometheus() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    out += "# HELP " + name + " " + fam.help + "\n";
    out += "# TYPE " + name + (fam.is_gauge ? " gauge\n" : " counter\n");
    const auto line = [&](const std::string& labels, std::int64_t v) {
      out += name;
      if (!labels.empty()) out += "{" + labels + "}";
      out += " " + std::to_string(v) + "\n";
    };
    for (const auto& [labels, c] : fam.counters)
      line(labels, static_cast<std::int64_t>(c->value()));
    for (const auto& [labels, g] : fam.gauges) line(labels, g->value());
  }
  return out;
}

}  // namespace eventstreams::services
