#include "log_sink.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
    rapidjson::StringBuffer fields;
    rapidjson::Writer<rapidjson::StringBuffer> w(fields);
    w.StartObject();
    w.Key("facility");
    w.String(fac != nullptr ? fac : "");
    w.Key("client");
    w.String(rd_kafka_name(rk));
    w.EndObject();
    const LogLevel mapped = from_syslog(level);
    const std::string message = std::string("librdkafka: ") + (buf != nullptr ? buf : "");
    const std::string_view fields_json(fields.GetString(), fields.GetSize());
    // Debug lines only come when the `debug` property asks for them: let them all through.
    if (mapped == LogLevel::kDebug) {
      sink->log(mapped, message, fields_json);
    } else {
      sink->log_limited(mapped, message, fields_json);
    }
  } catch (...) {
    // Out of memory while logging: drop the record.
  }
}

}  // namespace

bool LogLimiter::allow(Clock::time_point now, std::uint64_t& suppressed) noexcept {
  if (in_window_ == 0 || now - window_start_ >= window_) {
    window_start_ = now;
    in_window_ = 0;
  }
  if (in_window_ >= burst_) {
    ++suppressed_;
    return false;
  }
  ++in_window_;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

void LogSink::log(LogLevel level, std::string_view message, std::string_view fields_json) noexcept {
  std::lock_guard lock(mu_);
  if (host_ != nullptr) host_->log(level, message, fields_json);
}

void LogSink::log_limited(LogLevel level, std::string_view message,
                          std::string_view fields_json) noexcept {
  std::lock_guard lock(mu_);
  if (host_ == nullptr) return;
  std::uint64_t suppressed = 0;
  if (!limiter_.allow(LogLimiter::Clock::now(), suppressed)) return;
  if (suppressed > 0) {
    try {
      host_->log(LogLevel::kWarn,
                 "kafka source: " + std::to_string(suppressed) + " log records suppressed");
    } catch (...) {
    }
  }
  host_->log(level, message, fields_json);
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
