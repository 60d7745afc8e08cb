// libFuzzer harness: parse_query must never crash; it fails only on bad percent-encoding, and
// what it returns, percent-encoded again, parses back to the same parameters in the same order.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "request/query.h"

namespace {

void append_encoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const auto params = eventstreams::request::parse_query(query);
  if (!params) {
    if (query.find('%') == std::string_view::npos) std::abort();  // nothing else is invalid
    return 0;
  }
  std::string again;
  for (const auto& [name, value] : *params) {
    if (!again.empty()) again.push_back('&');
    append_encoded(again, name);
    again.push_back('=');
    append_encoded(again, value);
  }
  const auto reparsed = eventstreams::request::parse_query(again);
  if (!reparsed || *reparsed != *params) std::abort();
  return 0;
}
