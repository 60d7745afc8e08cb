#include "request/stream_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using eventstreams::request::parse_stream_list;
using eventstreams::request::url_decode;
using Names = std::vector<std::string>;

TEST(StreamList, Single) {
  EXPECT_EQ(parse_stream_list("recentchange"), Names{"recentchange"});
}

TEST(StreamList, CommaSeparated) {
  EXPECT_EQ(parse_stream_list("recentchange,page-create"), (Names{"recentchange", "page-create"}));
  EXPECT_EQ(parse_stream_list("mediawiki.page_change.v1,b,c"),
            (Names{"mediawiki.page_change.v1", "b", "c"}));
}

TEST(StreamList, EncodedCommaSplits) {
  EXPECT_EQ(parse_stream_list("a%2Cb"), (Names{"a", "b"}));
  EXPECT_EQ(parse_stream_list("a%2cb,c"), (Names{"a", "b", "c"}));
}

TEST(StreamList, OtherPercentEncodingDecoded) {
  EXPECT_EQ(parse_stream_list("page%2Dcreate"), Names{"page-create"});
  EXPECT_EQ(parse_stream_list("a%20b"), Names{"a b"});
  EXPECT_EQ(parse_stream_list("a+b"), Names{"a+b"});  // '+' is literal in a path
}

TEST(StreamList, OneTrailingSlash) {
  EXPECT_EQ(parse_stream_list("recentchange/"), Names{"recentchange"});
  EXPECT_EQ(parse_stream_list("a,b/"), (Names{"a", "b"}));
  EXPECT_EQ(parse_stream_list("a//"), Names{"a/"});   // only one is dropped
  EXPECT_EQ(parse_stream_list("a%2F"), Names{"a/"});  // an encoded one is a name character
  EXPECT_EQ(parse_stream_list("/"), Names{""});
}

TEST(StreamList, EmptyNamesKept) {
  EXPECT_EQ(parse_stream_list(""), Names{""});
  EXPECT_EQ(parse_stream_list("a,,b"), (Names{"a", "", "b"}));
  EXPECT_EQ(parse_stream_list("a,"), (Names{"a", ""}));
  EXPECT_EQ(parse_stream_list(",a"), (Names{"", "a"}));
  EXPECT_EQ(parse_stream_list("a,/"), (Names{"a", ""}));
  EXPECT_EQ(parse_stream_list("%2C"), Names{""});
}

TEST(StreamList, DuplicatesRemovedKeepingFirstOrder) {
  EXPECT_EQ(parse_stream_list("a,a"), Names{"a"});
  EXPECT_EQ(parse_stream_list("b,a,b,c,a"), (Names{"b", "a", "c"}));
  EXPECT_EQ(parse_stream_list("a,a%2Ca"), Names{"a"});
  EXPECT_EQ(parse_stream_list(",,"), Names{""});
  EXPECT_EQ(parse_stream_list("a,,b,"), (Names{"a", "", "b"}));
}

TEST(StreamList, BadPercentEncoding) {
  EXPECT_EQ(parse_stream_list("a%2"), std::nullopt);
  EXPECT_EQ(parse_stream_list("a%zz"), std::nullopt);
  EXPECT_EQ(parse_stream_list("%"), std::nullopt);
  EXPECT_EQ(parse_stream_list("a,b%"), std::nullopt);
  EXPECT_EQ(parse_stream_list("a%G1,b"), std::nullopt);
  EXPECT_EQ(parse_stream_list("a%2/"), std::nullopt);
}

TEST(UrlDecode, PlusHandling) {
  EXPECT_EQ(url_decode("a+b", false), "a+b");
  EXPECT_EQ(url_decode("a+b", true), "a b");
  EXPECT_EQ(url_decode("a%2Bb", true), "a+b");
}

TEST(UrlDecode, Bytes) {
  EXPECT_EQ(url_decode("", false), "");
  EXPECT_EQ(url_decode("%41%62%7e", false), "Ab~");
  EXPECT_EQ(url_decode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(url_decode("%C3%A9", false), "\xc3\xa9");
  EXPECT_EQ(url_decode("%FF", false), "\xff");
  EXPECT_EQ(url_decode("100%25", false), "100%");
}

TEST(UrlDecode, Invalid) {
  EXPECT_EQ(url_decode("%4", false), std::nullopt);
  EXPECT_EQ(url_decode("%G1", false), std::nullopt);
  EXPECT_EQ(url_decode("%1G", true), std::nullopt);
  EXPECT_EQ(url_decode("100%", false), std::nullopt);
  EXPECT_EQ(url_decode("%%41", false), std::nullopt);
  EXPECT_EQ(url_decode("% 1", false), std::nullopt);
}

}  // namespace
