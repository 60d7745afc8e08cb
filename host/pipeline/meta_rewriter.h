// The hot-path event rewriter: validates a Kafka message value as a JSON object and writes its
// compact form with meta.topic / meta.partition / meta.offset / meta.key set (SPEC.md 2.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eventstreams::pipeline {

struct MetaFields {
  std::string_view topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  // The Kafka message key, or null when the message has none.
  const std::string_view* key = nullptr;
};

// Validates `input` as one JSON value per RFC 8259 that must be an object (surrounding whitespace
// allowed), and appends to `out` its COMPACT form (all insignificant whitespace removed, every
// other byte kept as is, string contents untouched but for the line separators below) with
// meta.topic, meta.partition, meta.offset and (when key != null) meta.key set: existing members of
// "meta" keep their position and get their value replaced; missing ones are appended at the end of
// meta in that order; when the top-level object has no "meta" member, "meta":{...} is appended as
// its last member; when "meta" exists but is not an object, return false. topic and key are written
// as JSON strings (escape
// '"', '\\', control chars as \u00XX or \n etc.; invalid UTF-8 bytes replaced by \uFFFD so the
// output is always valid JSON). If the top-level object has a duplicated "meta" key, use the
// last one.
// Returns false and leaves `out` exactly as it was (truncate back) when the input is not a JSON
// object (invalid JSON, an array, a string, nesting deeper than 256, etc.).
//
// Details the contract above leaves open:
// - RFC 8259 requires UTF-8, so invalid UTF-8 inside input strings (overlong forms, encoded
//   surrogates, code points above U+10FFFF, truncated sequences) makes the input invalid.
// - Escaped lone surrogates (\ud800) are valid JSON grammar and are accepted and kept as is.
// - Member names are compared after unescaping, so "me\u0074a" is the meta member.
// - With a duplicated "meta", every one that is an object is rewritten (the last one is what
//   a parser keeps); the call fails only when the last one is not an object.
// - Nesting depth counts the top-level object as 1; 256 is accepted, 257 is not.
// - Duplicated fields inside meta ("topic" twice) all get the new value.
// - Without a key, an existing meta.key is left as it is.
// - U+0085, U+2028 and U+2029 in strings (input, topic and key alike) are written as the
//   escapes \u0085, \u2028 and \u2029: the same JSON value, but clients that split lines
//   where Python's str.splitlines() does (sseclient) no longer cut the event's data: line.
bool rewrite_event(std::string_view input, const MetaFields& meta, std::string& out);

}  // namespace eventstreams::pipeline
