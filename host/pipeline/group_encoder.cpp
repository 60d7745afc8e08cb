#include "pipeline/group_encoder.h"

#include <string>

namespace eventstreams::pipeline {
namespace {

// A guess of an encoder's framing per event, so the buffer grows once per batch.
constexpr std::size_t kFramingPerEvent = 48;

}  // namespace

GroupEncoder::GroupEncoder(std::unique_ptr<Encoder> encoder,
                           std::vector<std::unique_ptr<Transform>> transforms)
    : encoder_(std::move(encoder)), transforms_(std::move(transforms)) {
  if (!encoder_) return;
  encoder_->heartbeat(heartbeat_frame_);
  heartbeat_chunk_ = shared_chunk(heartbeat_frame_);
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
  // The encoder writes its frames once, in place, after the room for the size line.
  auto buffer = begin_chunk(batch.arena.size() + batch.events.size() * kFramingPerEvent);
  frames_.clear();
  encoder_->encode(batch, *buffer, frames_);
  if (frames_.empty()) return {};
  return end_chunk(std::move(buffer));
}

std::string GroupEncoder::error_frame(std::string_view error_json) {
  std::string frame;
  encoder_->error(error_json, frame);
  return frame;
}

SharedBytes GroupEncoder::error_chunk(std::string_view error_json) {
  return shared_chunk(error_frame(error_json));
}

}  // namespace eventstreams::pipeline
