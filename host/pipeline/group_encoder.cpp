#include "pipeline/group_encoder.h"

#include <string>

#include "http/chunked.h"

namespace eventstreams::pipeline {
namespace {

// Bytes reserved in front of each chunk buffer for the chunk-size line ("%x\r\n"), so the
// encoder writes its frames once, in place, and the size line goes in front afterwards.
constexpr std::size_t kChunkHeaderRoom = 10;
// A guess of an encoder's framing per event, so the buffer grows once per batch.
constexpr std::size_t kFramingPerEvent = 48;

// Writes "<hex size>\r\n" right-aligned into the reserved room; returns where it starts.
std::size_t write_chunk_header(std::string& buf, std::size_t payload_size) {
  const std::string line = http::chunk_size_line(payload_size);
  const std::size_t start = kChunkHeaderRoom - line.size();
  buf.replace(start, line.size(), line);
  return start;
}

}  // namespace

GroupEncoder::GroupEncoder(std::unique_ptr<Encoder> encoder,
                           std::vector<std::unique_ptr<Transform>> transforms)
    : encoder_(std::move(encoder)), transforms_(std::move(transforms)) {
  if (!encoder_) return;
  std::string hb;
  encoder_->heartbeat(hb);
  heartbeat_chunk_ = shared_chunk(hb);
}

Chunk GroupEncoder::encode(const EventBatch& batch) {
  if (transforms_.empty()) return encode_frames(batch);
  scratch_.topics = batch.topics;
  scratch_.events = batch.events;
  scratch_.arena = batch.arena;
  for (auto& t : transforms_) t->apply(scratch_);
  return encode_frames(scratch_);
}

Chunk GroupEncoder::encode_own(EventBatch& batch) {
  for (auto& t : transforms_) t->apply(batch);
  return encode_frames(batch);
}

Chunk GroupEncoder::encode_frames(const EventBatch& batch) {
  auto buffer = std::make_shared<std::string>();
  buffer->reserve(kChunkHeaderRoom + batch.arena.size() + batch.events.size() * kFramingPerEvent +
                  2);
  buffer->append(kChunkHeaderRoom, ' ');
  frames_.clear();
  encoder_->encode(batch, *buffer, frames_);
  if (frames_.empty()) return {};
  Chunk chunk;
  chunk.payload = buffer->size() - kChunkHeaderRoom;
  chunk.start = write_chunk_header(*buffer, chunk.payload);
  buffer->append("\r\n");
  chunk.length = buffer->size() - chunk.start;
  chunk.bytes = std::move(buffer);
  return chunk;
}

SharedBytes GroupEncoder::error_chunk(std::string_view error_json) {
  std::string frame;
  encoder_->error(error_json, frame);
  return shared_chunk(frame);
}

}  // namespace eventstreams::pipeline
