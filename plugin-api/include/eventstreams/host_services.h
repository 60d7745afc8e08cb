// Services the host lends to plugins, so that plugins never link against the host.
#pragma once

#include <cstdint>
#include <string_view>

namespace eventstreams {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// A monotonically increasing metric. Thread-safe; the pointer lives as long as the host.
class Counter {
 public:
  virtual void add(std::uint64_t n = 1) noexcept = 0;
  virtual std::uint64_t value() const noexcept = 0;

 protected:
  ~Counter() = default;
};

class HostServices {
 public:
  // One log record; `fields_json` is either empty or a JSON object text of extra fields.
  virtual void log(LogLevel level, std::string_view message,
                   std::string_view fields_json = {}) noexcept = 0;
  // Returns the counter of that name and label set (created on first use), never null.
  // `labels` is Prometheus label text without braces, e.g. `stream="recentchange"`.
  virtual Counter* counter(std::string_view name, std::string_view help,
                           std::string_view labels = {}) noexcept = 0;
  // Wall clock in milliseconds since the Unix epoch (injectable in tests).
  virtual std::int64_t now_ms() const noexcept = 0;

 protected:
  ~HostServices() = default;
};

}  // namespace eventstreams
