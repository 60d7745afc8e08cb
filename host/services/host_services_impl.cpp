#include "services/host_services_impl.h"

#include <chrono>

namespace eventstreams::services {
namespace {

// What a plugin gets when the registry cannot allocate (the only way it can fail): a metric
// that works but is not exported, so the plugin never sees null.
class SinkCounter final : public Counter {
 public:
  void add(std::uint64_t) noexcept override {}
  std::uint64_t value() const noexcept override { return 0; }
};
class SinkGauge final : public Gauge {
 public:
  void set(std::int64_t) noexcept override {}
  void add(std::int64_t) noexcept override {}
  std::int64_t value() const noexcept override { return 0; }
};

}  // namespace

void HostServicesImpl::log(LogLevel level, std::string_view message,
                           std::string_view fields_json) noexcept {
  logger_.log(level, message, fields_json);
}

void HostServicesImpl::log_fields(LogLevel level, std::string_view message,
                                  std::span<const LogField> fields) noexcept {
  logger_.log_fields(level, message, fields);
}

Counter* HostServicesImpl::counter(std::string_view name, std::string_view help,
                                   std::span<const Label> labels) noexcept {
  try {
    return metrics_.counter(name, help, labels);
  } catch (...) {
    static SinkCounter sink;
    return &sink;
  }
}

Gauge* HostServicesImpl::gauge(std::string_view name, std::string_view help,
                               std::span<const Label> labels) noexcept {
  try {
    return metrics_.gauge(name, help, labels);
  } catch (...) {
    static SinkGauge sink;
    return &sink;
  }
}

std::int64_t HostServicesImpl::now_ms() const noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace eventstreams::services
