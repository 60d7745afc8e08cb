// libFuzzer harness: parse_last_event_id must never crash; its result must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "request/last_event_id.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  std::vector<eventstreams::request::LastEventIdEntry> entries;
  std::string error;
  const bool ok = eventstreams::request::parse_last_event_id(header, entries, error);
  if (ok != error.empty()) std::abort();
  if (ok) {
    for (const auto& e : entries) {
      if (e.topic.empty() || e.partition < 0 || (!e.offset && !e.timestamp)) std::abort();
    }
  }
  return 0;
}
