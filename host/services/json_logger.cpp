#include "services/json_logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "services/json_text.h"

namespace eventstreams::services {
namespace {

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

void append_time(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  out.append(buf);
}

}  // namespace

void JsonLogger::log(LogLevel level, std::string_view message,
                     std::string_view fields_json) noexcept {
  if (level < min_level_) return;
  try {
    std::string line;
    line.reserve(128 + message.size() + fields_json.size());
    line.append("{\"time\":\"");
    append_time(line);
    line.append("\",\"level\":\"").append(level_name(level)).append("\",\"message\":");
    append_json_string(line, message);
    // Splice the extra fields' members in: drop their braces.
    if (fields_json.size() > 2 && fields_json.front() == '{' && fields_json.back() == '}') {
      line.push_back(',');
      line.append(fields_json.substr(1, fields_json.size() - 2));
    }
    line.append("}\n");
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  } catch (...) {
    // Logging must never take the server down.
  }
}

}  // namespace eventstreams::services
