// JSON string literals for text the plugins put into JSON they build themselves (log fields,
// metric labels, demo events). Header-only; the host has its own (services/json_text.h),
// which plugins cannot link.
#pragma once

#include <string>
#include <string_view>

namespace eventstreams::plugin_common {

// Appends `s` as a JSON string, quotes included: '"', '\\' and control characters escaped,
// every other byte (UTF-8 included) as is.
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace eventstreams::plugin_common
