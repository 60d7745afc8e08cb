#include "services/json_logger.h"

#include <rapidjson/reader.h>
#include <rapidjson/stream.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include "eventstreams/log_fields_json.h"
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

constexpr std::string_view kBlank = " \t\r\n";

// The members of `fields_json` (the text between its braces, blank trimmed) when it is one
// JSON object in valid UTF-8; nullopt otherwise. RapidJSON's SAX reader checks it without
// building a DOM, iteratively so that deep nesting cannot exhaust the stack.
std::optional<std::string_view> object_members(std::string_view fields_json) {
  const std::size_t first = fields_json.find_first_not_of(kBlank);
  if (first == std::string_view::npos || fields_json[first] != '{') return std::nullopt;
  const std::string text(fields_json);  // RapidJSON's StringStream wants a terminated string
  rapidjson::StringStream stream(text.c_str());
  rapidjson::BaseReaderHandler<> ignore;
  rapidjson::Reader reader;
  constexpr unsigned kFlags =
      rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  if (reader.Parse<kFlags>(stream, ignore).IsError() || stream.Tell() != text.size()) {
    return std::nullopt;
  }
  const std::size_t last = fields_json.find_last_not_of(kBlank);  // the closing brace
  const std::string_view inner = fields_json.substr(first + 1, last - first - 1);
  const std::size_t start = inner.find_first_not_of(kBlank);
  if (start == std::string_view::npos) return std::string_view();
  return inner.substr(start, inner.find_last_not_of(kBlank) - start + 1);
}

}  // namespace

void JsonLogger::write(LogLevel level, std::string_view message,
                       const std::function<void(std::string&)>& append_members) noexcept {
  try {
    std::string line;
    line.reserve(128 + message.size());
    line.append("{\"time\":\"");
    append_time(line);
    line.append("\",\"level\":\"").append(level_name(level)).append("\",\"message\":");
    append_json_string(line, message);
    append_members(line);
    line.append("}\n");
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
  } catch (...) {
    // Logging must never take the server down.
  }
}

void JsonLogger::log(LogLevel level, std::string_view message,
                     std::string_view fields_json) noexcept {
  if (level < min_level_) return;
  write(level, message, [&](std::string& line) {
    if (fields_json.find_first_not_of(kBlank) == std::string_view::npos) return;
    if (const auto members = object_members(fields_json)) {
      // Splice the extra fields' members in: their braces dropped.
      if (!members->empty()) line.append(",").append(*members);
    } else {
      // Not a JSON object (or not UTF-8): keep the text, as a string, rather than break the line.
      line.append(",\"fields_text\":");
      append_json_string(line, fields_json);
    }
  });
}

void JsonLogger::log_fields(LogLevel level, std::string_view message,
                            std::span<const LogField> fields) noexcept {
  if (level < min_level_) return;
  write(level, message, [&](std::string& line) { json::append_log_fields(line, fields); });
}

}  // namespace eventstreams::services
