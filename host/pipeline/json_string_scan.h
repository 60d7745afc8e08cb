// The inner loop of JSON string validation: finding, in the contents of a JSON string, the
// next byte that needs a closer look. Split out of meta_rewriter.cpp so the platform-specific
// block scans sit in one place, each next to the portable fallback it must agree with.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace eventstreams::pipeline::json_string_scan {

// A byte inside a JSON string is "plain" when it goes through without a second look: printable
// ASCII other than '"' and '\\' (DEL included, JSON allows it raw). Everything else is a quote,
// an escape, a control character (invalid raw) or the start of a UTF-8 sequence to validate.
inline bool is_plain(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
}

// SWAR ("SIMD within a register") test of 8 string bytes at once: the result has bit 7 set in
// each byte of `w` that is not plain. Uses the classic "has a zero byte" trick; its borrows can
// flag bytes above a real hit but never below one, so zero means "all plain" and the lowest
// flag is exact.
inline std::uint64_t non_plain_bytes(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHigh = 0x8080808080808080;
  const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  return zero_bytes(w ^ (kOnes * '"')) | zero_bytes(w ^ (kOnes * '\\')) | below_space | (w & kHigh);
}

// The scans below all return the first byte in [p, end) that is not plain, or end, and never
// read at or past `end`. They differ only in speed; the slower ones are the tails (and the
// fallbacks on other platforms) of the faster ones, and the unit tests hold them to agree.

inline const char* skip_plain_bytewise(const char* p, const char* end) {
  while (p != end && is_plain(*p)) ++p;
  return p;
}

// 8 bytes per step where the lowest byte of a word is the first one in memory.
inline const char* skip_plain_swar(const char* p, const char* end) {
  if constexpr (std::endian::native == std::endian::little) {
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (const std::uint64_t flags = non_plain_bytes(word)) {
        return p + std::countr_zero(flags) / 8;
      }
      p += 8;
    }
  }
  return skip_plain_bytewise(p, end);
}

#if defined(__SSE2__)
// 16 bytes per step. As signed bytes, control characters (0x00..0x1F) and every byte >= 0x80
// (negative) are both below 0x20, so one signed compare covers them; '"' and '\\' are two
// equality tests. SSE2 is part of x86-64, so no run-time dispatch is needed.
inline const char* skip_plain_sse2(const char* p, const char* end) {
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i special =
        _mm_or_si128(_mm_cmplt_epi8(v, space),
                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special))) {
      return p + std::countr_zero(mask);
    }
    p += 16;
  }
  return skip_plain_swar(p, end);  // the last 0..15 bytes
}
#endif

// The fastest of the above this platform has.
inline const char* skip_plain(const char* p, const char* end) {
#if defined(__SSE2__)
  return skip_plain_sse2(p, end);
#else
  return skip_plain_swar(p, end);
#endif
}

}  // namespace eventstreams::pipeline::json_string_scan
