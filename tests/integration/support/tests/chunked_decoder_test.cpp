#include "support/chunked_decoder.h"

#include <gtest/gtest.h>

namespace eventstreams::testing {
namespace {

// Feeds `wire` one byte at a time, as the worst possible split.
std::string decode_bytewise(ChunkedDecoder& d, std::string_view wire) {
  std::string out;
  for (size_t i = 0; i < wire.size() && !d.done() && !d.failed(); ++i) {
    d.feed(wire.substr(i, 1), out);
  }
  return out;
}

TEST(ChunkedDecoder, DecodesChunksExtensionsAndTrailers) {
  const std::string wire =
      "5\r\n:ok\n\n\r\n"
      "1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "0\r\nX-Trailer: 1\r\n\r\n";
  ChunkedDecoder whole;
  std::string out;
  EXPECT_EQ(whole.feed(wire + "NEXT", out), wire.size());  // stops after the trailer section
  EXPECT_TRUE(whole.done());
  EXPECT_EQ(out, ":ok\n\nabcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(whole.chunk_sizes(), (std::vector<size_t>{5, 26}));

  ChunkedDecoder split;
  EXPECT_EQ(decode_bytewise(split, wire), out);
  EXPECT_TRUE(split.done());
  EXPECT_FALSE(split.failed());
}

TEST(ChunkedDecoder, IncompleteIsNeitherDoneNorFailed) {
  ChunkedDecoder d;
  std::string out;
  d.feed("4\r\nab", out);
  EXPECT_FALSE(d.done());
  EXPECT_FALSE(d.failed());
  EXPECT_EQ(out, "ab");
}

struct BadCase {
  const char* wire;
  const char* error_contains;
};

class ChunkedDecoderBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(ChunkedDecoderBad, Rejected) {
  ChunkedDecoder d;
  decode_bytewise(d, GetParam().wire);
  EXPECT_TRUE(d.failed()) << GetParam().wire;
  EXPECT_NE(d.error().find(GetParam().error_contains), std::string::npos) << d.error();
}

INSTANTIATE_TEST_SUITE_P(
    Framing, ChunkedDecoderBad,
    ::testing::Values(
        BadCase{"3\r\nabcd\r\n", "longer than its size"},  // size says 3, 4 sent
        BadCase{"3\nabc\r\n", "bare LF"}, BadCase{"3\r\nabc\n", "not followed by CRLF"},
        BadCase{"3\r\nabc\r\r", "CR without LF"}, BadCase{"\r\nabc\r\n", "without a hex size"},
        BadCase{"zz\r\n", "without a hex size"}, BadCase{"3 x\r\nabc\r\n", "junk after chunk size"},
        BadCase{"10000000000000000\r\n", "too large"}, BadCase{"0\r\nTrailer\n", "bare LF"}));

}  // namespace
}  // namespace eventstreams::testing
