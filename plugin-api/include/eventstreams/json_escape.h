// The one JSON string escaper of the project: host and plugins put arbitrary bytes (Kafka keys,
// topic names, page titles, client addresses, librdkafka messages) into JSON they write by
// hand, and all of them follow one policy, so the JSON they produce is always valid JSON and
// valid UTF-8:
//
//   - '"' and '\\' are escaped; so are control characters (U+0000..U+001F), as \b \f \n \r \t
//     where JSON has a short form and \u00XX otherwise; DEL (0x7F) goes out raw (JSON allows it);
//   - a well-formed UTF-8 sequence (Unicode table 3-7: no overlong forms, no UTF-16
//     surrogates, nothing past U+10FFFF) goes out as is;
//   - every other byte becomes \ufffd (U+FFFD REPLACEMENT CHARACTER), one per byte, as
//     WHATWG's decoder and Python's errors="replace" do for a byte that starts no sequence.
//
// Header-only and standard library only (plugins must never link the host). Adding it changed
// no layout of the ABI.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace eventstreams::json {

// Length of the well-formed UTF-8 sequence starting at p (a byte >= 0x80) and ending before
// `end`, or 0 when there is none.
inline std::size_t utf8_sequence_length(const char* p, const char* end) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  const std::size_t avail = static_cast<std::size_t>(end - p);
  const auto in = [&](std::size_t i, unsigned lo, unsigned hi) {
    return i < avail && u[i] >= lo && u[i] <= hi;
  };
  const unsigned b0 = u[0];
  if (b0 >= 0xC2 && b0 <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;  // E0 80..9F would be overlong
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;  // ED A0..BF would be a surrogate
    return in(1, lo, hi) && in(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;  // F0 80..8F would be overlong
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;  // F4 90.. would be past U+10FFFF
    return in(1, lo, hi) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;  // a lone continuation byte, C0/C1 (always overlong) or F5..FF
}

// Whether `s` is well-formed UTF-8 throughout.
inline bool is_valid_utf8(std::string_view s) noexcept {
  const char* p = s.data();
  const char* const end = p + s.size();
  while (p != end) {
    if (static_cast<unsigned char>(*p) < 0x80) {
      ++p;
    } else if (const std::size_t len = utf8_sequence_length(p, end)) {
      p += len;
    } else {
      return false;
    }
  }
  return true;
}

namespace detail {

// A byte that goes out unchanged without a second look: printable ASCII but '"' and '\\'.
inline bool is_plain(unsigned char c) noexcept {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// The first byte in [p, end) that is not plain, or end. Eight bytes per step (SWAR: bit 7 is
// set in each byte of the word that is not plain; the borrows of the "has a zero byte" trick
// can flag bytes above a real hit but never below one, so the lowest flag is exact).
inline const char* skip_plain(const char* p, const char* end) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHigh = 0x8080808080808080;
    const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, sizeof w);
      const std::uint64_t flags = zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\')) |
                                  ((w - kOnes * 0x20) & ~w & kHigh) | (w & kHigh);
      if (flags != 0) return p + std::countr_zero(flags) / 8;
      p += 8;
    }
  }
  while (p != end && is_plain(static_cast<unsigned char>(*p))) ++p;
  return p;
}

}  // namespace detail

// Appends the contents of `s` as they go between the quotes of a JSON string (the policy above).
inline void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;  // start of the bytes that go out unchanged
  for (;;) {
    p = detail::skip_plain(p, end);
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80) {
      if (const std::size_t len = utf8_sequence_length(p, end)) {
        p += len;
        continue;
      }
    }
    out.append(run, static_cast<std::size_t>(p - run));
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (c < 0x20) {
          const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out.append(esc, sizeof esc);
        } else {
          out.append("\\ufffd");
        }
    }
    run = ++p;
  }
  out.append(run, static_cast<std::size_t>(p - run));
}

// Appends `s` as a JSON string literal, quotes included.
inline void append_string(std::string& out, std::string_view s) {
  out.push_back('"');
  append_escaped(out, s);
  out.push_back('"');
}

// `s` as a JSON string literal, quotes included.
inline std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_string(out, s);
  return out;
}

}  // namespace eventstreams::json
