#include "pipeline/shared_chunk.h"

#include "http/chunked.h"

namespace eventstreams::pipeline {
namespace {

// Bytes reserved in front of each chunk buffer for the chunk-size line ("%x\r\n").
constexpr std::size_t kChunkHeaderRoom = 10;

}  // namespace

SharedBytes shared_chunk(std::string_view payload) {
  return std::make_shared<const std::string>(http::make_chunk(payload));
}

std::shared_ptr<std::string> begin_chunk(std::size_t capacity) {
  auto buffer = std::make_shared<std::string>();
  buffer->reserve(kChunkHeaderRoom + capacity + 2);
  buffer->append(kChunkHeaderRoom, ' ');
  return buffer;
}

Chunk end_chunk(std::shared_ptr<std::string> buffer) {
  Chunk chunk;
  chunk.payload = buffer->size() - kChunkHeaderRoom;
  // "<hex size>\r\n" right-aligned into the reserved room.
  const std::string line = http::chunk_size_line(chunk.payload);
  chunk.start = kChunkHeaderRoom - line.size();
  buffer->replace(chunk.start, line.size(), line);
  buffer->append("\r\n");
  chunk.length = buffer->size() - chunk.start;
  chunk.bytes = std::move(buffer);
  return chunk;
}

}  // namespace eventstreams::pipeline
