// Where one partition of a client's stream starts, and what its resume id says before it
// delivers an event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace eventstreams::pipeline {

struct PartitionStart {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;                // the next offset to read
  std::optional<std::int64_t> timestamp;  // the time it started from, when known
};

}  // namespace eventstreams::pipeline
