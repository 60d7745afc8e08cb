// The last stage of a hub's pipeline, once per batch for each group of clients that receive
// the same bytes (same encoder, transforms and streams): the group's transforms, then its
// encoder, framed as one HTTP chunk that every member of the group is sent by reference.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"
#include "eventstreams/transform.h"
#include "pipeline/shared_chunk.h"

namespace eventstreams::pipeline {

class GroupEncoder {
 public:
  GroupEncoder(std::unique_ptr<Encoder> encoder,
               std::vector<std::unique_ptr<Transform>> transforms);

  // The shared batch through this group's transforms (applied to a copy, the batch is every
  // group's) and encoder.
  Chunk encode(const EventBatch& batch);
  // A batch of this group alone (a replay): the transforms edit it in place.
  Chunk encode_own(EventBatch& batch);
  // False when the encoder plugin made no encoder (create() returned null): the group's
  // clients cannot be served, and nothing here may be called but usable().
  bool usable() const { return encoder_ != nullptr; }
  // Frames the last encode() wrote: the events sent.
  std::size_t frames() const { return frames_.size(); }

  // Fixed per encoder: what keeps an idle client's connection open.
  const SharedBytes& heartbeat_chunk() const { return heartbeat_chunk_; }
  // The same without chunk framing (what a compressed stream compresses).
  const std::string& heartbeat_frame() const { return heartbeat_frame_; }
  // The last frame of a stream that ends on an error; `error_json` is a JSON object text.
  std::string error_frame(std::string_view error_json);
  SharedBytes error_chunk(std::string_view error_json);

 private:
  Chunk encode_frames(const EventBatch& batch);

  std::unique_ptr<Encoder> encoder_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  std::string heartbeat_frame_;
  SharedBytes heartbeat_chunk_;
  EventBatch scratch_;  // the copy the transforms edit
  std::vector<EncodedFrame> frames_;
};

}  // namespace eventstreams::pipeline
