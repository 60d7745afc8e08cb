// A targeted scanner over JSON text: finds members, skips values, decodes strings, and rewrites
// an object with some members removed or emptied, copying every other byte as it is.
//
// Why not a DOM: the host hands transforms compact JSON whose bytes it keeps as the producer
// wrote them (numbers, string escapes). The redaction plugin looks at two or three members of
// every event and edits a few members of a handful; parsing every event into a RapidJSON DOM
// would cost a full parse per event, and writing a DOM back would rewrite numbers (1E3 becomes
// 1000.0, integers beyond 64 bits lose digits) and string escapes in fields it did not touch.
// The scanner only skips over values it does not need (memchr over strings, bracket counting
// over containers) and splices raw bytes.
//
// The scanner does not validate: the host has already checked that a payload is one valid JSON
// object. It never reads outside the text and reports malformed input by returning kNone.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace eventstreams::redaction::json {

inline constexpr std::size_t kNone = std::string_view::npos;

// The byte at `pos`, or '\0' past the end (never valid outside a JSON string).
inline char at(std::string_view text, std::size_t pos) noexcept {
  return pos < text.size() ? text[pos] : '\0';
}

namespace detail {

inline constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
inline constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// A word with the high bit set in each byte of `w` that equals `c`: exact for the lowest such
// byte (the borrows of the classic "has a zero byte" trick only mark bytes above a real hit).
inline std::uint64_t bytes_equal(std::uint64_t w, unsigned char c) noexcept {
  const std::uint64_t x = w ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;  // little-endian: the first byte is the lowest
}

inline bool is_structural(char c) noexcept {
  return c == '"' || c == '{' || c == '}' || c == '[' || c == ']';
}

}  // namespace detail

inline bool is_ws(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The first position at or after `pos` that is not JSON whitespace.
inline std::size_t skip_ws(std::string_view text, std::size_t pos) noexcept {
  while (pos < text.size() && is_ws(text[pos])) ++pos;
  return pos;
}

// `pos` at a string's opening quote: the position after its closing quote, or kNone.
// Eight bytes at a time to the next quote or backslash; a backslash skips the byte after it.
inline std::size_t string_end(std::string_view text, std::size_t pos) noexcept {
  if (at(text, pos) != '"') return kNone;
  const char* const data = text.data();
  const char* const end = data + text.size();
  const char* p = data + pos + 1;
  for (;;) {
    while (end - p >= 8) {
      const std::uint64_t w = detail::load8(p);
      const std::uint64_t hits = detail::bytes_equal(w, '"') | detail::bytes_equal(w, '\\');
      if (hits != 0) {
        p += std::countr_zero(hits) / 8;
        break;
      }
      p += 8;
    }
    while (p < end && *p != '"' && *p != '\\') ++p;
    if (p >= end) return kNone;
    if (*p == '"') return static_cast<std::size_t>(p - data) + 1;
    p += 2;  // the backslash and the byte it escapes
    if (p > end) return kNone;
  }
}

// `pos` at '{' or '[': the position after the matching close, or kNone. Brackets are counted,
// not matched by kind: the host has validated the text.
inline std::size_t container_end(std::string_view text, std::size_t pos) noexcept {
  const char* const data = text.data();
  const char* const end = data + text.size();
  if (at(text, pos) != '{' && at(text, pos) != '[') return kNone;
  const char* p = data + pos;
  std::size_t depth = 0;
  for (;;) {
    // To the next quote or bracket ('[' | 0x20 == '{', ']' | 0x20 == '}').
    while (end - p >= 8) {
      const std::uint64_t w = detail::load8(p);
      const std::uint64_t folded = w | (detail::kOnes * 0x20);
      const std::uint64_t hits = detail::bytes_equal(w, '"') | detail::bytes_equal(folded, '{') |
                                 detail::bytes_equal(folded, '}');
      if (hits != 0) {
        p += std::countr_zero(hits) / 8;
        break;
      }
      p += 8;
    }
    while (p < end && !detail::is_structural(*p)) ++p;
    if (p >= end) return kNone;
    const char c = *p;
    if (c == '"') {
      const std::size_t after = string_end(text, static_cast<std::size_t>(p - data));
      if (after == kNone) return kNone;
      p = data + after;
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (--depth == 0) {  // depth >= 1: the text at `pos` opened a container
      return static_cast<std::size_t>(p - data) + 1;
    }
    ++p;
  }
}

// `pos` at the first byte of a value: the position after the value, or kNone.
inline std::size_t value_end(std::string_view text, std::size_t pos) noexcept {
  const char c = at(text, pos);
  if (c == '"') return string_end(text, pos);
  if (c == '{' || c == '[') return container_end(text, pos);
  // A number or literal: up to the next delimiter.
  std::size_t i = pos;
  while (i < text.size()) {
    const char d = text[i];
    if (d == ',' || d == '}' || d == ']' || d == ':' || d == '"' || is_ws(d)) break;
    ++i;
  }
  return i == pos ? kNone : i;
}

// Appends code point `cp` (at most U+10FFFF) as UTF-8.
void append_utf8(std::uint32_t cp, std::string& out);

// Appends the decoded contents of a JSON string body (the bytes between the quotes) to `out`.
// Escaped lone surrogates become U+FFFD. Returns false on a malformed escape.
bool decode_string(std::string_view body, std::string& out);

// Whether a string body contains escapes (then it must be decoded before comparing).
inline bool has_escape(std::string_view body) noexcept {
  return body.find('\\') != std::string_view::npos;
}

struct Member {
  std::string_view key;  // raw key body, between the quotes (may hold escapes)
  std::size_t begin;     // the key's opening quote
  std::size_t key_end;   // after the key's closing quote
  std::size_t value_begin;
  std::size_t value_end;  // after the value
};

bool key_equals_escaped(std::string_view key, std::string_view name);

// Whether the member's key, decoded, equals `name`.
inline bool key_equals(const Member& member, std::string_view name) {
  if (member.key == name) return true;
  // An escape makes the raw key longer than the decoded one.
  if (member.key.size() <= name.size()) return false;
  return key_equals_escaped(member.key, name);
}

// Calls fn(const Member&) for every member of the object whose '{' is at `pos`, in order
// (duplicated keys included). Returns the position after the closing '}', or kNone when the
// object is malformed (fn may have seen the members before the fault).
template <typename Fn>
std::size_t for_each_member(std::string_view text, std::size_t pos, Fn&& fn) {
  if (at(text, pos) != '{') return kNone;
  std::size_t i = skip_ws(text, pos + 1);
  if (at(text, i) == '}') return i + 1;
  for (;;) {
    if (at(text, i) != '"') return kNone;
    Member m;
    m.begin = i;
    m.key_end = string_end(text, i);
    if (m.key_end == kNone) return kNone;
    m.key = text.substr(i + 1, m.key_end - i - 2);
    const std::size_t colon = skip_ws(text, m.key_end);
    if (at(text, colon) != ':') return kNone;
    m.value_begin = skip_ws(text, colon + 1);
    m.value_end = value_end(text, m.value_begin);
    if (m.value_end == kNone) return kNone;
    fn(static_cast<const Member&>(m));
    const std::size_t next = skip_ws(text, m.value_end);
    const char c = at(text, next);
    if (c == '}') return next + 1;
    if (c != ',') return kNone;
    i = skip_ws(text, next + 1);
  }
}

}  // namespace eventstreams::redaction::json
