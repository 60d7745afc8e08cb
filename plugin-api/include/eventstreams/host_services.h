// Services the host lends to plugins, so that plugins never link against the host.
//
// Whatever a plugin passes in (log fields, metric labels) the host escapes: a plugin cannot
// make a log line invalid JSON nor the /metrics page invalid Prometheus text.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <string_view>

namespace eventstreams {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// One extra member of a log record: a key and a string, integer or boolean value. Only views:
// build an array of them next to the call, e.g.
//   const LogField fields[] = {{"topic", topic}, {"partition", partition}, {"paused", true}};
//   host->log_fields(LogLevel::kInfo, "reader started", fields);
struct LogField {
  enum class Type : std::uint32_t { kString, kInteger, kBoolean };

  constexpr LogField(std::string_view k, std::string_view v) noexcept
      : key(k), type(Type::kString), text(v) {}
  // Without it a string literal would pick the bool constructor (a pointer converts to bool).
  constexpr LogField(std::string_view k, const char* v) noexcept
      : key(k),
        type(Type::kString),
        text(v != nullptr ? std::string_view(v) : std::string_view()) {}
  template <std::integral Int>
  requires(!std::same_as<Int, bool>) constexpr LogField(std::string_view k, Int v) noexcept
      : key(k), type(Type::kInteger), number(static_cast<std::int64_t>(v)) {}
  constexpr LogField(std::string_view k, bool v) noexcept
      : key(k), type(Type::kBoolean), number(v ? 1 : 0) {}

  std::string_view key;
  Type type;
  std::string_view text;    // kString
  std::int64_t number = 0;  // kInteger; kBoolean: 0 or 1
};

// One metric label, e.g. {"stream", "recentchange"}. The host escapes the value (Prometheus
// rules: backslash, double quote, newline) and replaces characters a label name cannot have
// with '_'; label order does not matter.
struct Label {
  std::string_view name;
  std::string_view value;
};

// A monotonically increasing metric. Thread-safe; the pointer lives as long as the host.
class Counter {
 public:
  virtual void add(std::uint64_t n = 1) noexcept = 0;
  virtual std::uint64_t value() const noexcept = 0;

 protected:
  ~Counter() = default;
};

// A metric that goes up and down. Thread-safe; the pointer lives as long as the host.
class Gauge {
 public:
  virtual void set(std::int64_t v) noexcept = 0;
  virtual void add(std::int64_t delta) noexcept = 0;
  virtual std::int64_t value() const noexcept = 0;

 protected:
  ~Gauge() = default;
};

class HostServices {
 public:
  // One log record with extra fields given as JSON object text (or none). The host checks the
  // text: one that is not a JSON object in valid UTF-8 is logged as the string field
  // "fields_text" instead of being spliced in. Prefer log_fields(), which cannot go wrong.
  virtual void log(LogLevel level, std::string_view message,
                   std::string_view fields_json = {}) noexcept = 0;
  // One log record with extra fields as key/value pairs; the host escapes keys and values.
  virtual void log_fields(LogLevel level, std::string_view message,
                          std::span<const LogField> fields) noexcept = 0;
  // Returns the counter of that name and label set (created on first use), never null.
  //   const Label labels[] = {{"stream", stream}};
  //   Counter* c = host->counter("x_total", "What x counts", labels);
  virtual Counter* counter(std::string_view name, std::string_view help,
                           std::span<const Label> labels = {}) noexcept = 0;
  // The same for a gauge. A name is either a counter or a gauge: asking for the other kind
  // gives a metric that is not exported.
  virtual Gauge* gauge(std::string_view name, std::string_view help,
                       std::span<const Label> labels = {}) noexcept = 0;
  // Wall clock in milliseconds since the Unix epoch (injectable in tests).
  virtual std::int64_t now_ms() const noexcept = 0;

 protected:
  ~HostServices() = default;
};

}  // namespace eventstreams
