// What a server's event id says, read the way the server reads a Last-Event-ID (its compact
// form is not meant to be picked apart by hand). Header-only; the test links es_request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "request/last_event_id.h"

namespace eventstreams::testing {

// The next offset the id gives for topic/partition; nullopt when it names none or is unreadable.
inline std::optional<std::int64_t> id_offset(const std::string& id, const std::string& topic,
                                             int partition) {
  std::vector<request::LastEventIdEntry> entries;
  std::string error;
  if (!request::parse_last_event_id(id, entries, error)) return std::nullopt;
  for (const auto& e : entries) {
    if (e.topic == topic && e.partition == partition) return e.offset;
  }
  return std::nullopt;
}

}  // namespace eventstreams::testing
