// Small helpers to write JSON text by hand on paths where a DOM would cost too much.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "eventstreams/json_escape.h"

namespace eventstreams::services {

// Appends `text` as a JSON string literal (with quotes), by the project's one escaper
// (eventstreams/json_escape.h, shared with the plugins): control characters escaped, bytes
// that are not valid UTF-8 become U+FFFD, so the output is always valid JSON.
inline void append_json_string(std::string& out, std::string_view text) {
  json::append_string(out, text);
}

inline std::string json_string(std::string_view text) {
  return json::quote(text);
}

void append_int(std::string& out, std::int64_t value);

}  // namespace eventstreams::services
