// Incremental, strict decoder of the HTTP/1.1 chunked transfer coding (RFC 9112 7.1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::testing {

class ChunkedDecoder {
 public:
  // Decodes as much of `in` as possible, appending chunk data to `out`. Returns the number of
  // bytes consumed: all of `in`, except after the last chunk's trailer (done()) or an error.
  size_t feed(std::string_view in, std::string& out);

  // The terminating zero-size chunk and its trailer section have been read.
  bool done() const { return state_ == State::kDone; }
  // The framing is broken; error() says how.
  bool failed() const { return state_ == State::kError; }
  const std::string& error() const { return error_; }

  // Size of every data chunk seen so far, in order (the last, zero-size chunk excluded).
  const std::vector<size_t>& chunk_sizes() const { return chunk_sizes_; }
  // Total bytes consumed from the wire.
  size_t wire_bytes() const { return wire_bytes_; }

 private:
  enum class State { kSizeLine, kData, kDataCr, kDataLf, kTrailerLine, kDone, kError };

  bool fail(std::string message);
  bool finish_size_line();

  State state_ = State::kSizeLine;
  std::string line_;  // the size or trailer line being read, without CRLF
  bool line_cr_ = false;
  size_t remaining_ = 0;
  std::vector<size_t> chunk_sizes_;
  size_t wire_bytes_ = 0;
  std::string error_;
};

}  // namespace eventstreams::testing
