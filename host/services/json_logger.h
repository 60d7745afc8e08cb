// Logs as one JSON object per line on stdout (SPEC 6), safe from any thread.
#pragma once

#include <cstdio>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "eventstreams/host_services.h"

namespace eventstreams::services {

class JsonLogger {
 public:
  // Lines go to `out` (stdout in the server; a temporary file in tests).
  explicit JsonLogger(LogLevel min_level = LogLevel::kInfo, std::FILE* out = stdout)
      : min_level_(min_level), out_(out) {}
  // `fields_json` is empty or a JSON object text whose members are added to the record. Any
  // other text (not JSON, not an object, not UTF-8) is added as the string "fields_text", so
  // the line stays one valid JSON object whatever the caller passed.
  void log(LogLevel level, std::string_view message, std::string_view fields_json = {}) noexcept;
  // The same with fields as key/value pairs, escaped here.
  void log_fields(LogLevel level, std::string_view message,
                  std::span<const LogField> fields) noexcept;
  void set_min_level(LogLevel level) noexcept { min_level_ = level; }

 private:
  // Writes one line: time, level, message, then what `append_members` appends (",..." members).
  void write(LogLevel level, std::string_view message,
             const std::function<void(std::string&)>& append_members) noexcept;

  std::mutex mutex_;
  LogLevel min_level_;
  std::FILE* out_;
};

}  // namespace eventstreams::services
