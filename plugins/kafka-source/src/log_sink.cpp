#include "log_sink.h"

#include <string>

namespace eventstreams::kafka {
namespace {

LogLevel from_syslog(int level) {
  if (level <= 3) return LogLevel::kError;
  if (level == 4) return LogLevel::kWarn;
  if (level <= 6) return LogLevel::kInfo;
  return LogLevel::kDebug;
}

void rdkafka_log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* sink = static_cast<LogSink*>(rd_kafka_opaque(rk));
  if (sink == nullptr) return;
  try {
    const LogField fields[] = {{"facility", fac}, {"client", rd_kafka_name(rk)}};
    const LogLevel mapped = from_syslog(level);
    const std::string message = std::string("librdkafka: ") + (buf != nullptr ? buf : "");
    // Debug lines only come when the `debug` property asks for them: let them all through.
    if (mapped == LogLevel::kDebug) {
      sink->log(mapped, message, fields);
    } else {
      sink->log_limited(mapped, message, fields);
    }
  } catch (...) {
    // Out of memory while logging: drop the record.
  }
}

}  // namespace

void LogSink::log(LogLevel level, std::string_view message,
                  std::span<const LogField> fields) noexcept {
  std::lock_guard lock(mu_);
  if (host_ != nullptr) host_->log_fields(level, message, fields);
}

void LogSink::log_limited(LogLevel level, std::string_view message,
                          std::span<const LogField> fields) noexcept {
  std::lock_guard lock(mu_);
  if (host_ != nullptr) limiter_.log(*host_, level, message, fields);
}

void LogSink::detach() noexcept {
  std::lock_guard lock(mu_);
  host_ = nullptr;
}

void LogSink::install(rd_kafka_conf_t* conf) noexcept {
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_log_cb(conf, &rdkafka_log_cb);
}

}  // namespace eventstreams::kafka
