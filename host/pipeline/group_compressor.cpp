#include "pipeline/group_compressor.h"

namespace eventstreams::pipeline {

CompressedChunk GroupCompressor::compress(std::string_view frames) {
  // Nothing to send: no chunk (an empty one would end the chunked body).
  if (frames.empty()) return {};
  // JSON events compress to well under half; the deflater grows the buffer if not.
  auto buffer = begin_chunk(frames.size() / 2 + 64);
  CompressedChunk out;
  out.sums = deflater_.compress(frames, *buffer);
  out.chunk = end_chunk(std::move(buffer));
  return out;
}

const CompressedChunk& GroupCompressor::heartbeat(std::string_view frame) {
  if (!heartbeat_.chunk.bytes) heartbeat_ = compress(frame);
  return heartbeat_;
}

}  // namespace eventstreams::pipeline
