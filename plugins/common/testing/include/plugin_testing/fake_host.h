// FakeHost: the HostServices test double of every plugin test. It records log records (the
// fields rendered as the JSON text the host would splice into the line) and keeps counters and
// gauges by "name{labels}", the labels written as /metrics writes them
// (eventstreams/prometheus_labels.h). Its clock stands still until a test moves it.
//
// Thread-safe: librdkafka logs from its own threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/host_services.h"

namespace eventstreams::testing {

struct LogRecord {
  LogLevel level;
  std::string message;
  std::string fields;  // a JSON object text, or empty when the record had no fields
};

class FakeHost final : public HostServices {
 public:
  static constexpr std::int64_t kStartMs = 1'700'000'000'000;

  void log(LogLevel level, std::string_view message,
           std::string_view fields_json = {}) noexcept override;
  void log_fields(LogLevel level, std::string_view message,
                  std::span<const LogField> fields) noexcept override;
  Counter* counter(std::string_view name, std::string_view help,
                   std::span<const Label> labels = {}) noexcept override;
  Gauge* gauge(std::string_view name, std::string_view help,
               std::span<const Label> labels = {}) noexcept override;
  std::int64_t now_ms() const noexcept override { return now_ms_.load(); }

  void set_now_ms(std::int64_t ms) noexcept { now_ms_.store(ms); }
  void advance_ms(std::int64_t ms) noexcept { now_ms_.fetch_add(ms); }

  std::vector<LogRecord> logs() const;
  // Records whose message contains `needle`.
  std::vector<LogRecord> logs_with(std::string_view needle) const;
  // The messages alone, in order.
  std::vector<std::string> messages() const;
  // The value of the counter `name{labels}` (e.g. `x_total{reason="filter"}`, or `x_total{}`
  // without labels); 0 when it was never created.
  std::uint64_t value(const std::string& name_and_labels) const;
  // The same for a gauge.
  std::int64_t gauge_value(const std::string& name_and_labels) const;

 private:
  class FakeCounter final : public Counter {
   public:
    void add(std::uint64_t n) noexcept override { value_ += n; }
    std::uint64_t value() const noexcept override { return value_; }

   private:
    std::atomic<std::uint64_t> value_{0};
  };
  class FakeGauge final : public Gauge {
   public:
    void set(std::int64_t v) noexcept override { value_ = v; }
    void add(std::int64_t delta) noexcept override { value_ += delta; }
    std::int64_t value() const noexcept override { return value_; }

   private:
    std::atomic<std::int64_t> value_{0};
  };

  mutable std::mutex mu_;
  std::vector<LogRecord> logs_;
  std::map<std::string, std::unique_ptr<FakeCounter>, std::less<>> counters_;
  std::map<std::string, std::unique_ptr<FakeGauge>, std::less<>> gauges_;
  std::atomic<std::int64_t> now_ms_{kStartMs};
};

}  // namespace eventstreams::testing
