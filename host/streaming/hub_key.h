// Which hub a client joins: its topic set and the event loop the hub runs on. A catch-up
// client and the live hub it will join share the key, so the move happens within one thread.
#pragma once

#include <cstddef>
#include <string>
#include <tuple>

namespace eventstreams::streaming {

struct HubKey {
  std::string topics;    // the sorted topic set, comma-separated
  std::size_t loop = 0;  // index of the engine's event loop

  bool operator==(const HubKey& o) const { return loop == o.loop && topics == o.topics; }
  bool operator<(const HubKey& o) const {
    return std::tie(topics, loop) < std::tie(o.topics, o.loop);
  }
  // For logs: "<topics>#<loop>".
  std::string text() const { return topics + "#" + std::to_string(loop); }
};

}  // namespace eventstreams::streaming
