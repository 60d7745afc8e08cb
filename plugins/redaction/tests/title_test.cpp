#include "title.h"

#include <gtest/gtest.h>

namespace eventstreams::redaction {
namespace {

TEST(Title, SpacesAndUnderscoresFoldAndTrim) {
  EXPECT_EQ(normalized_title("Redact this"), "redact_this");
  EXPECT_EQ(normalized_title("redact_this"), "redact_this");
  EXPECT_EQ(normalized_title("  Redact   this  "), "redact_this");
  EXPECT_EQ(normalized_title("Redact__ _this"), "redact_this");
  EXPECT_EQ(normalized_title("_Redact_this_"), "redact_this");
  EXPECT_EQ(normalized_title("\tRedact\nthis\r"), "redact_this");
  EXPECT_EQ(normalized_title("a b_c  d"), "a_b_c_d");
}

TEST(Title, AsciiLowerCase) {
  EXPECT_EQ(normalized_title("ABC xyz 123 !?"), "abc_xyz_123_!?");
  EXPECT_EQ(normalized_title("False"), "false");
  EXPECT_EQ(normalized_title("404"), "404");
}

TEST(Title, EmptyAndBlank) {
  EXPECT_EQ(normalized_title(""), "");
  EXPECT_EQ(normalized_title("   "), "");
  EXPECT_EQ(normalized_title("_ _"), "");
}

TEST(Title, UnicodeSpacesFoldLikeMediaWiki) {
  EXPECT_EQ(normalized_title("a\xC2\xA0"
                             "b"),
            "a_b");  // U+00A0
  EXPECT_EQ(normalized_title("a\xE3\x80\x80"
                             "b"),
            "a_b");  // U+3000
  EXPECT_EQ(normalized_title("\xE2\x80\x83"
                             "a\xE2\x80\xAF"),
            "a");  // U+2003, U+202F
}

TEST(Title, UnicodeLowerCase) {
  if (!unicode_lowercase_available()) GTEST_SKIP() << "no C.UTF-8 locale";
  EXPECT_EQ(normalized_title("\xC3\x84pfel"), "\xC3\xA4pfel");                          // Äpfel
  EXPECT_EQ(normalized_title("\xD0\x9F\xD0\xA0\xD0\x98"), "\xD0\xBF\xD1\x80\xD0\xB8");  // ПРИ
  EXPECT_EQ(normalized_title("\xCE\xA3\xCE\x9F"), "\xCF\x83\xCE\xBF");                  // ΣΟ
  EXPECT_EQ(normalized_title("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");  // already lower
  EXPECT_EQ(normalized_title("\xE6\x97\xA5\xE6\x9C\xAC"), "\xE6\x97\xA5\xE6\x9C\xAC");  // 日本
}

TEST(Title, InvalidUtf8BytesAreKept) {
  EXPECT_EQ(normalized_title("A\xFF"
                             "B"),
            "a\xFF"
            "b");
  EXPECT_EQ(normalized_title("A\xC3"), "a\xC3");  // truncated sequence
}

}  // namespace
}  // namespace eventstreams::redaction
