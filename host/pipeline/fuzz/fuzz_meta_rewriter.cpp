// libFuzzer harness for rewrite_event. Beyond "no crash, no sanitizer report", it checks:
// - on failure `out` is left exactly as it was;
// - on success the output is valid JSON (RapidJSON, UTF-8 validated), compact, an object whose
//   last "meta" member is an object holding the topic / partition / offset / key we gave;
// - no U+0085, U+2028 or U+2029 is left raw in the output;
// - rewriting the output again gives the same bytes (meta already in place, nothing to drop);
// - accept / reject agrees with RapidJSON, apart from the documented differences (see
//   tests/unit/pipeline/meta_rewriter_differential_test.cpp).
//
// Input layout: byte 0 = flags (bit 0: has key), byte 1 = topic length, byte 2 = key length,
// bytes 3..14 = partition and offset, then topic, key and the JSON text.

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pipeline/meta_rewriter.h"

namespace {

using eventstreams::pipeline::MetaFields;
using eventstreams::pipeline::rewrite_event;

constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag;

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "CHECK FAILED: %s\ninput (%zu bytes): %.*s\n", what, input.size(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

bool is_valid_utf8(std::string_view s) {
  // Reuses RapidJSON's UTF-8 validation on a quoted copy.
  std::string quoted = "\"";
  for (char c : s) {
    // Only the UTF-8 validity matters here: neutralise what JSON would need escaped.
    quoted.push_back(static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\' ? ' ' : c);
  }
  quoted.push_back('"');
  rapidjson::Document doc;
  doc.Parse<kParseFlags>(quoted.data(), quoted.size());
  return !doc.HasParseError();
}

// No whitespace outside strings.
bool is_compact(std::string_view json) {
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      return false;
    }
  }
  return true;
}

// Deeper than `limit` anywhere (counting brackets outside strings)?
bool deeper_than(std::string_view json, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// The member a parser keeps for a duplicated name: the last one.
const rapidjson::Value* last_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* found = nullptr;
  for (const auto& m : object.GetObject()) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == name) found = &m.value;
  }
  return found;
}

void check_string_field(const rapidjson::Value& meta, const char* name, std::string_view expected,
                        std::string_view input) {
  const rapidjson::Value* v = last_member(meta, name);
  if (v == nullptr || !v->IsString()) fail(name, input);
  const std::string_view got(v->GetString(), v->GetStringLength());
  // Invalid UTF-8 is replaced, so only valid strings must come back byte for byte.
  if (is_valid_utf8(expected) && got != expected) fail(name, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 15) return 0;
  const bool has_key = (data[0] & 1) != 0;
  std::size_t topic_len = data[1] % 64;
  std::size_t key_len = data[2] % 64;
  std::int32_t partition;
  std::int64_t offset;
  std::memcpy(&partition, data + 3, sizeof partition);
  std::memcpy(&offset, data + 7, sizeof offset);
  data += 15;
  size -= 15;
  if (topic_len + key_len > size) return 0;
  const std::string topic(reinterpret_cast<const char*>(data), topic_len);
  const std::string key_bytes(reinterpret_cast<const char*>(data) + topic_len, key_len);
  // A view, not a copy: the JSON text then ends where libFuzzer's exactly-sized buffer ends,
  // so AddressSanitizer reports any read past it (a std::string would hide one in its NUL
  // terminator or, for short inputs, in its inline buffer).
  const std::string_view input(reinterpret_cast<const char*>(data) + topic_len + key_len,
                               size - topic_len - key_len);
  const std::string_view key = key_bytes;
  const MetaFields meta{topic, partition, offset, has_key ? &key : nullptr};

  const std::string prefix = "prefix";
  std::string out = prefix;
  const bool accepted = rewrite_event(input, meta, out);

  rapidjson::Document ref;
  ref.Parse<kParseFlags>(input.data(), input.size());
  const bool ref_object = !ref.HasParseError() && ref.IsObject();

  if (!accepted) {
    if (out != prefix) fail("out changed on failure", input);
    if (ref_object) {
      // RapidJSON reads an embedded NUL as the end of the text, has no depth limit, and skips
      // a leading UTF-8 BOM or any part of one (EF, BB, BF each optional).
      const rapidjson::Value* m = last_member(ref, "meta");
      std::string_view rest = input;
      for (const char c : {'\xef', '\xbb', '\xbf'}) {
        if (!rest.empty() && rest.front() == c) rest.remove_prefix(1);
      }
      std::string scratch;
      const bool explained = input.find('\0') != std::string::npos || deeper_than(input, 256) ||
                             (m != nullptr && !m->IsObject()) ||
                             (rest.size() != input.size() && rewrite_event(rest, meta, scratch));
      if (!explained) fail("rejected what RapidJSON accepts", input);
    }
    return 0;
  }

  if (out.compare(0, prefix.size(), prefix) != 0) fail("prefix changed", input);
  const std::string_view result = std::string_view(out).substr(prefix.size());
  if (!ref_object) {
    // RapidJSON rejects numbers too big for a double and escaped lone surrogates; JSON doesn't.
    const auto code = ref.GetParseError();
    if (code != rapidjson::kParseErrorNumberTooBig &&
        code != rapidjson::kParseErrorStringUnicodeSurrogateInvalid) {
      std::fprintf(stderr, "RapidJSON: %s at %zu\n", rapidjson::GetParseError_En(code),
                   ref.GetErrorOffset());
      fail("accepted what RapidJSON rejects", input);
    }
  }
  if (!is_compact(result)) fail("output not compact", input);
  // U+0085, U+2028, U+2029 go out escaped (clients split lines at them).
  for (const std::string_view raw : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    if (result.find(raw) != std::string_view::npos) fail("raw line separator in output", input);
  }

  rapidjson::Document doc;
  doc.Parse<kParseFlags>(result.data(), result.size());
  if (doc.HasParseError()) {
    const auto code = doc.GetParseError();
    if (ref_object || (code != rapidjson::kParseErrorNumberTooBig &&
                       code != rapidjson::kParseErrorStringUnicodeSurrogateInvalid)) {
      fail("output does not parse", input);
    }
  } else {
    if (!doc.IsObject()) fail("output not an object", input);
    const rapidjson::Value* m = last_member(doc, "meta");
    if (m == nullptr || !m->IsObject()) fail("no meta object", input);
    check_string_field(*m, "topic", topic, input);
    const rapidjson::Value* p = last_member(*m, "partition");
    if (p == nullptr || !p->IsInt() || p->GetInt() != partition) fail("partition", input);
    const rapidjson::Value* o = last_member(*m, "offset");
    if (o == nullptr || !o->IsInt64() || o->GetInt64() != offset) fail("offset", input);
    if (has_key) check_string_field(*m, "key", key, input);
  }

  // Idempotent: the second pass finds every field in place and no whitespace to drop.
  std::string again;
  if (!rewrite_event(result, meta, again) || again != result) fail("not idempotent", input);
  return 0;
}
