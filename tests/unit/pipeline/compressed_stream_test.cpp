// The compressor stage on its own: pieces compressed once for a group, framed per client with
// its own header and trailer, decode with zlib's inflate whichever batch a client joined at.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "pipeline/content_coding.h"
#include "pipeline/deflater.h"
#include "pipeline/group_compressor.h"

namespace eventstreams::pipeline {
namespace {

// Inflates a whole body; `window_bits` 31 reads gzip, 15 zlib. Fails unless the stream ends
// (its trailer checked by zlib) exactly at the end of `body`.
std::string inflate_all(const std::string& body, int window_bits) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, window_bits), Z_OK);
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    char buf[4096];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  EXPECT_EQ(rc, Z_STREAM_END) << (z.msg ? z.msg : "");
  EXPECT_EQ(z.avail_in, 0u);
  inflateEnd(&z);
  return out;
}

std::string batch_text(int i) {
  std::string s;
  for (int e = 0; e < 20; ++e) {
    s += "event: message\nid: [{\"topic\":\"t\",\"partition\":0,\"offset\":" +
         std::to_string(i * 20 + e) + "}]\ndata: {\"meta\":{\"domain\":\"en.wikipedia.org\"}}\n\n";
  }
  return s;
}

std::string payload(const CompressedChunk& c) {
  return std::string(c.chunk.payload_view());
}

TEST(CompressedStream, CombinedChecksumsEqualOneShotChecksums) {
  const std::vector<std::string> pieces = {"", "a", std::string(100000, 'x'), batch_text(3), "\n"};
  CodedStream gzip(ContentCoding::kGzip);
  std::string all;
  for (const auto& p : pieces) {
    gzip.absorb(PieceSums::of(p));
    all += p;
  }
  const auto* bytes = reinterpret_cast<const Bytef*>(all.data());
  EXPECT_EQ(gzip.crc(), crc32(crc32(0, Z_NULL, 0), bytes, static_cast<uInt>(all.size())));
  EXPECT_EQ(gzip.adler(), adler32(adler32(0, Z_NULL, 0), bytes, static_cast<uInt>(all.size())));
  EXPECT_EQ(gzip.size(), all.size());
}

TEST(CompressedStream, HeadersAndTrailers) {
  EXPECT_EQ(CodedStream(ContentCoding::kGzip).header().size(), 10u);
  EXPECT_EQ(CodedStream(ContentCoding::kDeflate).header(), std::string("\x78\x9c", 2));
  EXPECT_EQ(CodedStream(ContentCoding::kIdentity).header(), "");
  // Final empty block, CRC-32 and ISIZE of nothing.
  EXPECT_EQ(CodedStream(ContentCoding::kGzip).trailer(),
            std::string("\x03\x00\0\0\0\0\0\0\0\0", 10));
  // Final empty block, Adler-32 of nothing (1), big endian.
  EXPECT_EQ(CodedStream(ContentCoding::kDeflate).trailer(), std::string("\x03\x00\0\0\0\x01", 6));
}

// Two clients of one group: one from the first batch, one joining at the third; each with its
// own preamble piece, a heartbeat between batches, and its trailer.
TEST(CompressedStream, ClientsJoiningAtDifferentBatchesBothDecode) {
  for (const ContentCoding coding : {ContentCoding::kGzip, ContentCoding::kDeflate}) {
    const int window_bits = coding == ContentCoding::kGzip ? 31 : 15;
    GroupCompressor group;
    CodedStream early(coding), late(coding);
    std::string early_body = compressed_start(early, ":ok\n\n");
    std::string early_plain = ":ok\n\n";
    std::string late_body, late_plain;
    for (int i = 0; i < 5; ++i) {
      if (i == 2) {
        late_body = compressed_start(late, ":ok\n\n");
        late_plain = ":ok\n\n";
      }
      const CompressedChunk piece = group.compress(batch_text(i));
      early_body += payload(piece);
      early.absorb(piece.sums);
      early_plain += batch_text(i);
      if (i >= 2) {
        late_body += payload(piece);
        late.absorb(piece.sums);
        late_plain += batch_text(i);
      }
      if (i == 3) {
        const CompressedChunk& hb = group.heartbeat(":\n\n");
        late_body += payload(hb);
        late.absorb(hb.sums);
        late_plain += ":\n\n";
      }
    }
    early_body += early.trailer();
    late_body += late.trailer();
    EXPECT_EQ(inflate_all(early_body, window_bits), early_plain);
    EXPECT_EQ(inflate_all(late_body, window_bits), late_plain);
    // Compressed at all: 100 repetitive events shrink.
    EXPECT_LT(early_body.size(), early_plain.size() / 3);
  }
}

// An empty chunk would end the chunked body: nothing to compress gives no chunk at all.
TEST(CompressedStream, NothingToCompressGivesNoChunk) {
  GroupCompressor group;
  EXPECT_TRUE(group.compress("x").chunk.bytes);
  EXPECT_FALSE(group.compress("").chunk.bytes);
  EXPECT_FALSE(group.heartbeat("").chunk.bytes);
}

TEST(CompressedStream, ChunkFramingAroundThePiece) {
  GroupCompressor group;
  const CompressedChunk piece = group.compress("hello hello hello\n");
  const std::string framed = piece.chunk.bytes->substr(piece.chunk.start, piece.chunk.length);
  char line[16];
  std::snprintf(line, sizeof line, "%zx\r\n", piece.chunk.payload);
  EXPECT_EQ(framed, line + payload(piece) + "\r\n");
  EXPECT_EQ(piece.sums.size, 18u);
}

}  // namespace
}  // namespace eventstreams::pipeline
