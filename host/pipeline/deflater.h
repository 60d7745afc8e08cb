// Raw deflate (zlib, no header) in independent pieces: each compress() ends with a full
// flush, which byte-aligns the output and forgets the history, so the next piece refers to
// nothing before it. That is what lets a client join a group's compressed stream at any
// batch (content_coding.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "pipeline/content_coding.h"

namespace eventstreams::pipeline {

class Deflater {
 public:
  Deflater();
  ~Deflater();
  Deflater(Deflater&&) noexcept;
  Deflater& operator=(Deflater&&) noexcept;

  // Appends `in`, compressed and fully flushed, to `out`; returns the checksums of `in`.
  // The zlib stream is made on first use (a group with no compressed client never has one).
  PieceSums compress(std::string_view in, std::string& out);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

// The start of a compressed body: `stream`'s header, then `preamble` compressed (when not
// empty), absorbed into `stream`. On any thread (a deflater of the thread's own).
std::string compressed_start(CodedStream& stream, std::string_view preamble);

}  // namespace eventstreams::pipeline
