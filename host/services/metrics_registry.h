// Counters and gauges by name and label set, rendered in Prometheus text format.
//
// Labels come in two forms. The Label form (what HostServices offers plugins) is escaped here
// by the Prometheus rules (eventstreams/prometheus_labels.h) and sorted by name. The text form
// takes label text as it goes between the braces, already escaped, for the host's own callers
// that built it by hand. A name is a counter or a gauge: asking for the other kind returns a
// metric that is not exported.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "eventstreams/host_services.h"

namespace eventstreams::services {

class MetricsRegistry {
 public:
  // Never null; the counter lives as long as the registry.
  Counter* counter(std::string_view name, std::string_view help, std::span<const Label> labels);
  Gauge* gauge(std::string_view name, std::string_view help, std::span<const Label> labels);
  // The text forms: `labels` such as `stream="recentchange"`, escaped by the caller.
  Counter* counter(std::string_view name, std::string_view help, std::string_view labels = {});
  std::atomic<std::int64_t>* gauge(std::string_view name, std::string_view help,
                                   std::string_view labels = {});
  std::string render_prometheus() const;
  // Value of a counter or gauge, 0 when absent (for tests and /_info).
  std::int64_t value(std::string_view name, std::string_view labels = {}) const;

 private:
  class AtomicCounter final : public Counter {
   public:
    void add(std::uint64_t n) noexcept override { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept override { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<std::uint64_t> value_{0};
  };
  class AtomicGauge final : public Gauge {
   public:
    void set(std::int64_t v) noexcept override { cell_.store(v, std::memory_order_relaxed); }
    void add(std::int64_t d) noexcept override { cell_.fetch_add(d, std::memory_order_relaxed); }
    std::int64_t value() const noexcept override { return cell_.load(std::memory_order_relaxed); }
    std::atomic<std::int64_t>& cell() noexcept { return cell_; }

   private:
    std::atomic<std::int64_t> cell_{0};
  };
  struct Family {
    std::string help;
    bool is_gauge = false;
    std::map<std::string, std::unique_ptr<AtomicCounter>, std::less<>> counters;
    std::map<std::string, std::unique_ptr<AtomicGauge>, std::less<>> gauges;
  };
  // The family of that name, created on first use; null when it exists as the other kind.
  Family* family(std::string_view name, std::string_view help, bool is_gauge);
  AtomicCounter* counter_locked(std::string_view name, std::string_view help,
                                std::string_view labels);
  AtomicGauge* gauge_locked(std::string_view name, std::string_view help, std::string_view labels);

  mutable std::mutex mutex_;
  // What a request for the wrong kind gets: counted, never rendered.
  AtomicCounter detached_counter_;
  AtomicGauge detached_gauge_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace eventstreams::services
