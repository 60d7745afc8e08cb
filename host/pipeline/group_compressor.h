// The stage after a group's encoder for its members that asked for a compressed body
// (Accept-Encoding): each batch's chunk compressed once, as an independent deflate piece in a
// chunk of its own, whatever the number of such members; each of them is sent the same bytes
// and absorbs the piece's checksums into its own (content_coding.h). The other things a
// member is sent outside the batches (a replay, heartbeats, the error that ends a stream) are
// pieces of the same deflater.
#pragma once

#include <string_view>

#include "pipeline/content_coding.h"
#include "pipeline/deflater.h"
#include "pipeline/shared_chunk.h"

namespace eventstreams::pipeline {

// A compressed piece framed as an HTTP chunk, and the checksums of what it holds; null
// chunk.bytes when there was nothing to compress.
struct CompressedChunk {
  Chunk chunk;
  PieceSums sums;
};

class GroupCompressor {
 public:
  // `frames`: an encoder's output (a chunk's payload). Empty: no chunk (null bytes).
  CompressedChunk compress(std::string_view frames);
  // The group's heartbeat frame, compressed once and kept.
  const CompressedChunk& heartbeat(std::string_view frame);

 private:
  Deflater deflater_;
  CompressedChunk heartbeat_;
};

}  // namespace eventstreams::pipeline
