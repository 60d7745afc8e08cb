// The packed number lists of compact resume ids (pipeline/resume_ids.h, read back by
// request/last_event_id.cpp): a JSON string holding one self-delimiting base-32 number per
// partition, about half the bytes of a decimal array with commas.
//
// A number is zigzag-encoded (0, -1, 1, -2, ... become 0, 1, 2, 3, ...) plus one, so that 0
// stands for "none", then written most significant digit first: every digit but the last from
// kMoreDigits, the last from kLastDigits. Both alphabets are letters, digits, '-' and '_': no
// JSON escape and no header quoting is ever needed. -7..7 take one character, -255..255 two,
// -8191..8191 three.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace eventstreams::request::packed {

inline constexpr std::string_view kLastDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
inline constexpr std::string_view kMoreDigits = "ghijklmnopqrstuvwxyz0123456789-_";
inline constexpr std::size_t kMaxLength = 13;  // 65 bits: a zigzagged int64 plus one

// Writes `value` (or "none") into `buf` (kMaxLength bytes at least); returns the length.
// INT64_MIN is not representable (its code would not fit); it is written as INT64_MIN + 1.
inline std::size_t encode(std::optional<std::int64_t> value, char* buf) {
  std::uint64_t code = 0;
  if (value) {
    const std::int64_t v = *value == INT64_MIN ? INT64_MIN + 1 : *value;
    code = ((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63)) + 1;
  }
  char reversed[kMaxLength];
  std::size_t n = 0;
  reversed[n++] = kLastDigits[code & 31];
  for (code >>= 5; code != 0; code >>= 5) reversed[n++] = kMoreDigits[code & 31];
  for (std::size_t i = 0; i < n; ++i) buf[i] = reversed[n - 1 - i];
  return n;
}

inline int digit_of(std::string_view alphabet, char c) {
  const std::size_t i = alphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

// Reads the next number of `text` at `pos`, advancing `pos`. False when the text is not a
// packed list there (a character outside both alphabets, a number cut short or too long).
inline bool decode_next(std::string_view text, std::size_t& pos,
                        std::optional<std::int64_t>& value) {
  std::uint64_t code = 0;
  for (std::size_t digits = 1; pos < text.size(); ++digits) {
    if (digits > kMaxLength || code > (UINT64_MAX >> 5)) return false;
    const char c = text[pos++];
    if (const int d = digit_of(kMoreDigits, c); d >= 0) {
      code = code << 5 | static_cast<unsigned>(d);
      continue;
    }
    const int d = digit_of(kLastDigits, c);
    if (d < 0) return false;
    code = code << 5 | static_cast<unsigned>(d);
    if (code == 0) {
      value.reset();
    } else {
      const std::uint64_t z = code - 1;
      value = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
    }
    return true;
  }
  return false;  // ended inside a number
}

}  // namespace eventstreams::request::packed
