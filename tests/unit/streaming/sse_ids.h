// Reading the positions of the SSE ids a test client received: ids are the server's compact
// form (pipeline/resume_ids.h), so tests read them back the way a Last-Event-ID is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "request/last_event_id.h"

namespace eventstreams::streaming {

// True when one of the "id:" lines in `sse` names topic/partition at `offset` and `timestamp`
// (and `cluster`, when given).
inline bool names_position(std::string_view sse, std::string_view topic, std::int32_t partition,
                           std::int64_t offset, std::int64_t timestamp,
                           std::optional<std::string> cluster = std::nullopt) {
  for (std::size_t pos = 0; (pos = sse.find("\nid: ", pos)) != std::string_view::npos;) {
    pos += 5;
    const std::size_t end = sse.find('\n', pos);
    if (end == std::string_view::npos) break;
    std::vector<request::LastEventIdEntry> entries;
    std::string error;
    if (!request::parse_last_event_id(sse.substr(pos, end - pos), entries, error)) continue;
    for (const auto& e : entries) {
      if (e.topic == topic && e.partition == partition && e.offset == offset &&
          e.timestamp == timestamp && (!cluster || e.cluster == cluster)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace eventstreams::streaming
