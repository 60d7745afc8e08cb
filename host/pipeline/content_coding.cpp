#include "pipeline/content_coding.h"

#include <zlib.h>

namespace eventstreams::pipeline {
namespace {

const Bytef* bytes_of(std::string_view s) {
  return reinterpret_cast<const Bytef*>(s.data());
}

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_be32(std::string& out, std::uint32_t v) {
  for (int i = 3; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

}  // namespace

std::string_view content_coding_name(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::kGzip:
      return "gzip";
    case ContentCoding::kDeflate:
      return "deflate";
    case ContentCoding::kIdentity:
      break;
  }
  return "";
}

PieceSums PieceSums::of(std::string_view bytes) {
  PieceSums p;
  const auto len = static_cast<uInt>(bytes.size());
  p.crc = static_cast<std::uint32_t>(crc32(0, bytes_of(bytes), len));
  p.adler = static_cast<std::uint32_t>(adler32(1, bytes_of(bytes), len));
  p.size = bytes.size();
  p.crc_op = static_cast<std::uint32_t>(crc32_combine_gen(static_cast<z_off_t>(bytes.size())));
  return p;
}

std::string CodedStream::header() const {
  if (coding_ == ContentCoding::kGzip) {
    // ID1 ID2, CM = deflate, no flags, no modification time, no extra flags, OS unknown.
    return std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  }
  if (coding_ == ContentCoding::kDeflate) {
    // CMF: deflate with a 32 KiB window; FLG: default level, no dictionary, check bits.
    return std::string("\x78\x9c", 2);
  }
  return {};
}

void CodedStream::absorb(const PieceSums& piece) {
  crc_ = static_cast<std::uint32_t>(crc32_combine_op(crc_, piece.crc, piece.crc_op));
  adler_ = static_cast<std::uint32_t>(
      adler32_combine(adler_, piece.adler, static_cast<z_off_t>(piece.size)));
  size_ += piece.size;
}

std::string CodedStream::trailer() const {
  // A final block of fixed Huffman codes holding only its end-of-block code: 10 bits.
  std::string out("\x03\x00", 2);
  if (coding_ == ContentCoding::kGzip) {
    put_le32(out, crc_);
    put_le32(out, static_cast<std::uint32_t>(size_ & 0xffffffffu));  // ISIZE: modulo 2^32
  } else if (coding_ == ContentCoding::kDeflate) {
    put_be32(out, adler_);
  } else {
    return {};
  }
  return out;
}

}  // namespace eventstreams::pipeline
