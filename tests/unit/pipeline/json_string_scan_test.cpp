#include "pipeline/json_string_scan.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace eventstreams::pipeline::json_string_scan {
namespace {

// Every scan this platform compiles, each tested on its own: on x86-64 skip_plain never runs
// the SWAR loop over more than a 15-byte tail, so it gets its own test here.
struct Scan {
  const char* name;
  const char* (*fn)(const char*, const char*);
};
std::vector<Scan> all_scans() {
  std::vector<Scan> scans = {
      {"bytewise", &skip_plain_bytewise}, {"swar", &skip_plain_swar}, {"skip_plain", &skip_plain}};
#if defined(__SSE2__)
  scans.push_back({"sse2", &skip_plain_sse2});
#endif
  return scans;
}

// The input in a heap block of exactly its size, so that AddressSanitizer reports any read
// past `end` (a std::string would hide it in its spare capacity or terminating NUL).
class ExactBuffer {
 public:
  explicit ExactBuffer(const std::string& bytes)
      : size_(bytes.size()), data_(new char[bytes.size()]) {
    std::memcpy(data_.get(), bytes.data(), size_);
  }
  const char* begin() const { return data_.get(); }
  const char* end() const { return data_.get() + size_; }

 private:
  std::size_t size_;
  std::unique_ptr<char[]> data_;
};

// The first non-plain byte by the definition, independent of every scan.
std::size_t expected_stop(const std::string& bytes) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    if (u < 0x20 || u >= 0x80 || u == '"' || u == '\\') return i;
  }
  return bytes.size();
}

TEST(JsonStringScan, IsPlainFollowsTheJsonStringGrammar) {
  for (int b = 0; b < 256; ++b) {
    const bool plain = b >= 0x20 && b <= 0x7f && b != '"' && b != '\\';
    EXPECT_EQ(is_plain(static_cast<char>(b)), plain) << b;
  }
}

TEST(JsonStringScan, PlainRunsOfEveryLengthAreSkippedToTheEnd) {
  for (const Scan& scan : all_scans()) {
    for (std::size_t n = 0; n <= 64; ++n) {
      const ExactBuffer buf(std::string(n, 'a'));
      EXPECT_EQ(scan.fn(buf.begin(), buf.end()), buf.end()) << scan.name << " length " << n;
    }
  }
}

TEST(JsonStringScan, StopsAtEveryKindOfByteAtEveryPosition) {
  // Positions 0..40 cross two 16-byte blocks and five 8-byte words; the lengths put the end of
  // the input right after the byte, inside a later block, and on a block boundary.
  for (const Scan& scan : all_scans()) {
    for (int b = 0; b < 256; ++b) {
      for (std::size_t at = 0; at <= 40; ++at) {
        for (const std::size_t tail : {std::size_t{0}, std::size_t{1}, std::size_t{7},
                                       std::size_t{15}, std::size_t{16}, 47 - at}) {
          std::string bytes(at + 1 + tail, 'x');
          bytes[at] = static_cast<char>(b);
          const ExactBuffer buf(bytes);
          const std::size_t stop =
              static_cast<std::size_t>(scan.fn(buf.begin(), buf.end()) - buf.begin());
          ASSERT_EQ(stop, expected_stop(bytes))
              << scan.name << ": byte " << b << " at " << at << " of " << bytes.size();
        }
      }
    }
  }
}

TEST(JsonStringScan, TheFirstOfSeveralStopBytesWins) {
  // SWAR borrows can flag plain bytes after a real hit; a vector scan sees all hits at once.
  const char specials[] = {'"', '\\', '\0', '\x1f', '\x80', '\xff'};
  for (const Scan& scan : all_scans()) {
    for (std::size_t first = 0; first < 34; ++first) {
      for (std::size_t gap = 1; gap <= 17; ++gap) {
        for (const char a : specials) {
          for (const char b : specials) {
            std::string bytes(first + gap + 9, ' ');
            bytes[first] = a;
            bytes[first + gap] = b;
            const ExactBuffer buf(bytes);
            ASSERT_EQ(scan.fn(buf.begin(), buf.end()), buf.begin() + first)
                << scan.name << ": " << static_cast<int>(a) << " at " << first << ", "
                << static_cast<int>(b) << " at " << first + gap;
          }
        }
      }
    }
  }
}

TEST(JsonStringScan, StartsWhereItIsTold) {
  // A scan that starts mid-buffer (after an escape or a UTF-8 sequence) must not look back.
  std::string bytes(64, 'a');
  bytes[3] = '"';
  const ExactBuffer buf(bytes);
  for (const Scan& scan : all_scans()) {
    for (std::size_t from = 4; from <= 64; ++from) {
      EXPECT_EQ(scan.fn(buf.begin() + from, buf.end()), buf.end()) << scan.name << " " << from;
    }
  }
}

}  // namespace
}  // namespace eventstreams::pipeline::json_string_scan
