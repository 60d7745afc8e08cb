// The HostServices handed to plugins: the host's logger, metrics and clock.
#pragma once

#include "eventstreams/host_services.h"
#include "services/json_logger.h"
#include "services/metrics_registry.h"

namespace eventstreams::services {

class HostServicesImpl final : public HostServices {
 public:
  HostServicesImpl(JsonLogger& logger, MetricsRegistry& metrics)
      : logger_(logger), metrics_(metrics) {}
  virtual ~HostServicesImpl() = default;

  void log(LogLevel level, std::string_view message,
           std::string_view fields_json = {}) noexcept override;
  void log_fields(LogLevel level, std::string_view message,
                  std::span<const LogField> fields) noexcept override;
  Counter* counter(std::string_view name, std::string_view help,
                   std::span<const Label> labels = {}) noexcept override;
  Gauge* gauge(std::string_view name, std::string_view help,
               std::span<const Label> labels = {}) noexcept override;
  std::int64_t now_ms() const noexcept override;

  JsonLogger& logger() { return logger_; }
  MetricsRegistry& metrics() { return metrics_; }

 private:
  JsonLogger& logger_;
  MetricsRegistry& metrics_;
};

}  // namespace eventstreams::services
