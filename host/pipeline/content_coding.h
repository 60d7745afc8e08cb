// The content codings of a stream body (Accept-Encoding: gzip, deflate), and what each client
// of a compressed stream keeps of its own: the header it began with, the checksum and length
// of every uncompressed byte it was sent, and the trailer that ends it.
//
// The compressed bytes between header and trailer are pieces of raw deflate, each ended by a
// full flush (deflater.h): a piece never refers to bytes before it, so pieces compressed once
// for a whole group, and pieces compressed for this client alone, follow one another in one
// valid deflate stream. Only the checksums differ per client; they are combined per piece
// (crc32_combine, adler32_combine) instead of being computed over each client's bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eventstreams::pipeline {

enum class ContentCoding { kIdentity, kGzip, kDeflate };

// "gzip", "deflate"; "" for identity.
std::string_view content_coding_name(ContentCoding coding);

// The checksums of one piece's uncompressed bytes.
struct PieceSums {
  std::uint32_t crc = 0;     // CRC-32 (gzip)
  std::uint32_t adler = 1;   // Adler-32 (zlib's deflate format)
  std::uint64_t size = 0;    // uncompressed bytes
  std::uint32_t crc_op = 0;  // crc32_combine_gen(size): one combine per client is then cheap

  static PieceSums of(std::string_view bytes);
};

class CodedStream {
 public:
  CodedStream() = default;
  explicit CodedStream(ContentCoding coding) : coding_(coding) {}

  ContentCoding coding() const { return coding_; }
  bool compressed() const { return coding_ != ContentCoding::kIdentity; }

  // What the body starts with: gzip's 10-byte member header, or zlib's 2-byte header.
  std::string header() const;
  // After each compressed piece queued for this client, in order.
  void absorb(const PieceSums& piece);
  // The end of the body: a final empty deflate block, then gzip's CRC-32 and ISIZE (little
  // endian) or zlib's Adler-32 (big endian).
  std::string trailer() const;

  std::uint32_t crc() const { return crc_; }
  std::uint32_t adler() const { return adler_; }
  std::uint64_t size() const { return size_; }

 private:
  ContentCoding coding_ = ContentCoding::kIdentity;
  std::uint32_t crc_ = 0;
  std::uint32_t adler_ = 1;
  std::uint64_t size_ = 0;
};

}  // namespace eventstreams::pipeline
