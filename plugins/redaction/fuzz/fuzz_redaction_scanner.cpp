// libFuzzer harness for the redaction scanner over arbitrary bytes: the primitives of
// json_scan.h, then the Redactor that uses them on every event. The scanner does not validate
// (the host has), so on any input it must stay inside the text and report faults as kNone.
// Checks that
//  - every position returned is within the text, and after the position it started from;
//  - for_each_member reports members in order, each inside the object, and a key that decodes
//    compares equal to its decoded text (key_equals);
//  - the redactor on a listed page either leaves the payload, refuses it, or writes an object.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "json_scan.h"
#include "redaction_config.h"
#include "redactor.h"

namespace {

namespace json = eventstreams::redaction::json;
using eventstreams::redaction::Redactor;

[[noreturn]] void fail(const char* what, std::string_view text) {
  std::fprintf(stderr, "check failed: %s\ntext (%zu bytes): %.*s\n", what, text.size(),
               static_cast<int>(text.size()), text.data());
  std::abort();
}

#define CHECK(cond, text)           \
  do {                              \
    if (!(cond)) fail(#cond, text); \
  } while (false)

void check_end(std::string_view text, std::size_t from, std::size_t end) {
  if (end == json::kNone) return;
  CHECK(end > from && end <= text.size(), text);
}

Redactor& redactor() {
  static Redactor instance = [] {
    std::string error;
    auto config = eventstreams::redaction::parse_config(
        R"({"mediawiki_redacted_pages":{"en.wikipedia.org":["Main Page","Secret_page"],)"
        R"("w":["P"]}})",
        error);
    if (!config) {
      std::fprintf(stderr, "config: %s\n", error.c_str());
      std::abort();
    }
    return Redactor(
        std::make_shared<const eventstreams::redaction::RedactionConfig>(std::move(*config)));
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t start = json::skip_ws(text, 0);
  CHECK(start <= text.size(), text);
  check_end(text, start, json::value_end(text, start));
  check_end(text, start, json::string_end(text, start));
  check_end(text, start, json::container_end(text, start));

  std::size_t last = start;
  const std::size_t end = json::for_each_member(text, start, [&](const json::Member& m) {
    CHECK(m.begin >= last && m.begin < m.key_end, text);
    CHECK(m.key_end <= m.value_begin && m.value_begin < m.value_end, text);
    CHECK(m.value_end <= text.size(), text);
    CHECK(m.key.data() == text.data() + m.begin + 1, text);
    CHECK(m.key.size() == m.key_end - m.begin - 2, text);
    std::string decoded;
    if (json::decode_string(m.key, decoded)) CHECK(json::key_equals(m, decoded), text);
    last = m.value_end;
  });
  check_end(text, start, end);

  std::string out;
  eventstreams::redaction::Match match;
  switch (redactor().process(text, out, match)) {
    case Redactor::Outcome::kRedacted:
      CHECK(json::at(out, json::skip_ws(out, 0)) == '{', out);
      CHECK(!match.domain.empty(), text);
      break;
    case Redactor::Outcome::kUntouched:
    case Redactor::Outcome::kMalformed:
      break;
  }
  return 0;
}
