#include "http/chunked.h"

#include <gtest/gtest.h>

namespace eventstreams::http {
namespace {

TEST(Chunked, SizeLineIsLowercaseHex) {
  EXPECT_EQ(chunk_size_line(0), "0\r\n");
  EXPECT_EQ(chunk_size_line(255), "ff\r\n");
  EXPECT_EQ(chunk_size_line(4096), "1000\r\n");
}

TEST(Chunked, WholeChunk) {
  EXPECT_EQ(make_chunk(":ok\n\n"), "5\r\n:ok\n\n\r\n");
}

}  // namespace
}  // namespace eventstreams::http
