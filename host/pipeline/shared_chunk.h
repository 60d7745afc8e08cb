// Encoded bytes as they leave the pipeline: HTTP chunks in buffers shared by every client of
// a group. A client's connection queues slices of them; the shared_ptr keeps a buffer alive
// until the last client that queued it has written it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace eventstreams::pipeline {

using SharedBytes = std::shared_ptr<const std::string>;

// One group's encoding of a batch, framed as one chunk: bytes [start, start + length) of
// `bytes`; `payload` is the encoded size without the framing. `bytes` is null when the batch
// left no frame (every event dropped).
struct Chunk {
  SharedBytes bytes;
  std::size_t start = 0;
  std::size_t length = 0;
  std::size_t payload = 0;

  // The payload alone, without the chunk's size line and CRLF.
  std::string_view payload_view() const {
    return std::string_view(*bytes).substr(start + length - 2 - payload, payload);
  }
};

// `payload` as one complete chunk in a buffer of its own.
SharedBytes shared_chunk(std::string_view payload);

// A chunk written in place: begin_chunk() leaves room for the size line in front, the caller
// appends the payload, end_chunk() writes the size line into the room and the CRLF after.
// `capacity` is a guess of the payload's size.
std::shared_ptr<std::string> begin_chunk(std::size_t capacity);
Chunk end_chunk(std::shared_ptr<std::string> buffer);

}  // namespace eventstreams::pipeline
