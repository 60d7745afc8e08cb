// Logs as one JSON object per line on stdout (SPEC 6), safe from any thread.
#pragma once

#include <mutex>
#include <string_view>

#include "eventstreams/host_services.h"

namespace eventstreams::services {

class JsonLogger {
 public:
  explicit JsonLogger(LogLevel min_level = LogLevel::kInfo) : min_level_(min_level) {}
  // `fields_json` is empty or a JSON object text whose members are added to the record.
  void log(LogLevel level, std::string_view message, std::string_view fields_json = {}) noexcept;
  void set_min_level(LogLevel level) noexcept { min_level_ = level; }

 private:
  std::mutex mutex_;
  LogLevel min_level_;
};

}  // namespace eventstreams::services
