// Counters by name and label set, rendered in Prometheus text format.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "eventstreams/host_services.h"

namespace eventstreams::services {

class MetricsRegistry {
 public:
  // Never null; the counter lives as long as the registry.
  Counter* counter(std::string_view name, std::string_view help, std::string_view labels = {});
  // A gauge is a counter that can go down; same storage, rendered as gauge.
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
  struct Family {
    std::string help;
    bool is_gauge = false;
    std::map<std::string, std::unique_ptr<AtomicCounter>, std::less<>> counters;
    std::map<std::string, std::unique_ptr<std::atomic<std::int64_t>>, std::less<>> gauges;
  };
  Family& family(std::string_view name, std::string_view help, bool is_gauge);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace eventstreams::services
