// libFuzzer harness: parse_since must never crash, and anything it accepts must be in range.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "request/since.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto ms = eventstreams::request::parse_since(text);
  if (ms) {
    // Only an integer may fall outside the ECMAScript Date range.
    bool integer = !text.empty();
    for (const char c : text)
      integer = integer && ((c >= '0' && c <= '9') || c == '-' || c == ' ' || c == '\t' ||
                            c == '\n' || c == '\r' || c == '\f' || c == '\v');
    if (!integer && (*ms > 8'640'000'000'000'000 || *ms < -8'640'000'000'000'000)) std::abort();
  }
  return 0;
}
