#include "pipeline/deflater.h"

#include <zlib.h>

#include <new>

namespace eventstreams::pipeline {
namespace {

// Raw deflate (negative window bits), 32 KiB window, zlib's default level and memory.
constexpr int kWindowBits = -15;
constexpr int kMemLevel = 8;

}  // namespace

// z_stream points back at itself from its internal state: it stays where it was made.
struct Deflater::Stream {
  z_stream z{};
  Stream() {
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kWindowBits, kMemLevel,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::bad_alloc();
    }
  }
  ~Stream() { deflateEnd(&z); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
};

Deflater::Deflater() = default;
Deflater::~Deflater() = default;
Deflater::Deflater(Deflater&&) noexcept = default;
Deflater& Deflater::operator=(Deflater&&) noexcept = default;

PieceSums Deflater::compress(std::string_view in, std::string& out) {
  if (!stream_) stream_ = std::make_unique<Stream>();
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  // Enough for one pass nearly always: the bound of the input, plus the flush's marker.
  std::size_t room = deflateBound(&z, static_cast<uLong>(in.size())) + 16;
  for (;;) {
    const std::size_t used = out.size();
    out.resize(used + room);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    z.avail_out = static_cast<uInt>(room);
    deflate(&z, Z_FULL_FLUSH);  // cannot fail on a valid stream with room to write
    out.resize(out.size() - z.avail_out);
    if (z.avail_out != 0) break;  // all input consumed and flushed
    room *= 2;
  }
  return PieceSums::of(in);
}

std::string compressed_start(CodedStream& stream, std::string_view preamble) {
  std::string out = stream.header();
  if (!preamble.empty()) {
    thread_local Deflater deflater;
    stream.absorb(deflater.compress(preamble, out));
  }
  return out;
}

}  // namespace eventstreams::pipeline
