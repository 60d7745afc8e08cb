// Accept-Encoding negotiation of a stream's content coding (http/accept_encoding.cpp).
#include "http/accept_encoding.h"

#include <gtest/gtest.h>

namespace eventstreams::http {
namespace {

using pipeline::ContentCoding;

TEST(AcceptEncoding, NamedCodings) {
  EXPECT_EQ(choose_content_coding(""), ContentCoding::kIdentity);
  EXPECT_EQ(choose_content_coding("gzip"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("x-gzip"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("deflate"), ContentCoding::kDeflate);
  EXPECT_EQ(choose_content_coding("GZip"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("gzip, deflate, br"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("deflate, gzip"), ContentCoding::kGzip);  // tie: gzip
}

TEST(AcceptEncoding, CodingsThisServerLacksGiveIdentity) {
  EXPECT_EQ(choose_content_coding("br"), ContentCoding::kIdentity);
  EXPECT_EQ(choose_content_coding("br, zstd"), ContentCoding::kIdentity);
  EXPECT_EQ(choose_content_coding("identity"), ContentCoding::kIdentity);
}

TEST(AcceptEncoding, QValues) {
  EXPECT_EQ(choose_content_coding("gzip;q=0"), ContentCoding::kIdentity);
  EXPECT_EQ(choose_content_coding("gzip;q=0.000, deflate"), ContentCoding::kDeflate);
  EXPECT_EQ(choose_content_coding("gzip;q=0.5, deflate;q=0.8"), ContentCoding::kDeflate);
  EXPECT_EQ(choose_content_coding("gzip ; q=1.0 , deflate;q=0.8"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("gzip;Q=0.2"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("gzip;q=0.5, identity;q=1"), ContentCoding::kIdentity);
  EXPECT_EQ(choose_content_coding("gzip;q=2"), ContentCoding::kIdentity);  // malformed: refused
  EXPECT_EQ(choose_content_coding("gzip;q=abc"), ContentCoding::kIdentity);
}

TEST(AcceptEncoding, Wildcard) {
  EXPECT_EQ(choose_content_coding("*"), ContentCoding::kGzip);
  EXPECT_EQ(choose_content_coding("*;q=0"), ContentCoding::kIdentity);
  EXPECT_EQ(choose_content_coding("gzip;q=0, *"), ContentCoding::kDeflate);
  EXPECT_EQ(choose_content_coding("br, *;q=0"), ContentCoding::kIdentity);
}

}  // namespace
}  // namespace eventstreams::http
