// Small helpers to write JSON text by hand on paths where a DOM would cost too much.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eventstreams::services {

// Appends `text` as a JSON string literal (with quotes). Control characters are escaped;
// bytes that are not valid UTF-8 become U+FFFD so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view text);

inline std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

void append_int(std::string& out, std::int64_t value);

}  // namespace eventstreams::services
