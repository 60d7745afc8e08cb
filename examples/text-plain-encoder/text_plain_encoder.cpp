#include "text_plain_encoder.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <ctime>

#include "eventstreams/guarded_create.h"

namespace text_plain {
namespace {

using eventstreams::EncodedFrame;
using eventstreams::Event;
using eventstreams::EventBatch;
using rapidjson::Value;

constexpr std::string_view kErrorPrefix = "text-plain encoder config: ";
constexpr std::uint32_t kMaxWidth = 100000;
constexpr char32_t kReplacement = 0xFFFD;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026, one column

// The next code point of `s` from `i` (advanced past it); kReplacement for a byte that does
// not start a valid UTF-8 sequence (overlong forms, surrogates, past U+10FFFF), which then
// counts as one byte.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t n = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + n > s.size()) {
    ++i;
    return kReplacement;
  }
  for (std::size_t k = 1; k < n; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += n;
  return cp;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct Range {
  char32_t first, last;
};

bool in(const Range* ranges, std::size_t n, char32_t cp) {
  for (std::size_t k = 0; k < n; ++k) {
    if (cp >= ranges[k].first && cp <= ranges[k].last) return true;
  }
  return false;
}

// Combining marks of the common scripts and zero-width characters (an approximation of
// wcwidth() that needs no locale).
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0902},
    {0x093C, 0x093C}, {0x0941, 0x0948}, {0x094D, 0x094D}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};
// East Asian wide and fullwidth characters, and emoji.
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F5},   {0x26FA, 0x26FD},
    {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},   {0x274C, 0x274C},
    {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
    {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF},
    {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x3FFFD},
};

std::size_t columns(char32_t cp) {
  if (in(kZeroWidth, std::size(kZeroWidth), cp)) return 0;
  if (cp >= 0x1100 && in(kWide, std::size(kWide), cp)) return 2;
  return 1;
}

// Code points a terminal must not get raw: C0 and C1 controls, DEL, and the bidirectional
// embeddings, overrides and isolates (which would reorder what follows on the screen).
bool unsafe(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

std::string_view text_of(const Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// The member at a dotted `path` ("performer.user_text"), or null.
const Value* at(const Value& root, std::string_view path) {
  const Value* v = &root;
  while (!path.empty()) {
    if (!v->IsObject()) return nullptr;
    const std::size_t dot = path.find('.');
    const std::string_view name = path.substr(0, dot);
    const auto it = v->FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
    if (it == v->MemberEnd()) return nullptr;
    v = &it->value;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return v;
}

// The first of `paths` that is a non-empty string.
std::string_view first_string(const Value& root, std::initializer_list<std::string_view> paths) {
  for (const auto p : paths) {
    if (const Value* v = at(root, p); v && v->IsString() && v->GetStringLength() > 0) {
      return text_of(*v);
    }
  }
  return {};
}

bool is_true(const Value& root, std::string_view path) {
  const Value* v = at(root, path);
  return v && v->IsBool() && v->GetBool();
}

// An ISO 8601 date-time as "YYYY-MM-DDTHH:MM:SSZ" when it is UTC, else as it is.
void append_time_text(std::string_view t, std::string& out) {
  const bool iso = t.size() >= 19 && t[4] == '-' && t[7] == '-' && t[10] == 'T' && t[13] == ':';
  const bool utc = !t.empty() && (t.back() == 'Z' || t.ends_with("+00:00"));
  if (iso && utc) {
    append_printable(t.substr(0, 19), out);
    out.push_back('Z');
  } else {
    append_printable(t, out);
  }
}

void append_time(const Value* doc, std::int64_t kafka_ms, std::string& out) {
  if (doc) {
    const std::string_view t = first_string(*doc, {"meta.dt", "dt"});
    if (!t.empty()) return append_time_text(t, out);
    if (const Value* ts = at(*doc, "timestamp"); ts && ts->IsInt64() && ts->GetInt64() > 0) {
      out += format_time_ms(ts->GetInt64() * 1000);
      return;
    }
  }
  out += kafka_ms >= 0 ? format_time_ms(kafka_ms) : "-";
}

// A top-level value for the generic line: strings as text, other scalars as JSON, objects
// and arrays abbreviated.
void append_value(const Value& v, std::string& out) {
  if (v.IsString()) return append_printable(text_of(v), out);
  if (v.IsObject()) {
    out.append(v.ObjectEmpty() ? "{}" : "{…}");
    return;
  }
  if (v.IsArray()) {
    out.append(v.Empty() ? "[]" : "[…]");
    return;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  out.append(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::optional<Config> parse_config(std::string_view config_json, std::string& error) {
  Config config;
  if (config_json.empty() || config_json == "null") return config;
  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError()) {
    error =
        std::string(kErrorPrefix) + "not JSON: " + rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  if (doc.IsNull()) return config;
  if (!doc.IsObject()) {
    error = std::string(kErrorPrefix) + "must be a map";
    return std::nullopt;
  }
  // Through a const view: RapidJSON 1.1's non-const member iterators compare ambiguously in
  // C++20 (clang's -Wambiguous-reversed-operator), its const ones do not.
  const rapidjson::Value& map = doc;
  for (auto m = map.MemberBegin(); m != map.MemberEnd(); ++m) {
    const std::string_view key = text_of(m->name);
    if (key == "width") {
      if (!m->value.IsUint() || m->value.GetUint() > kMaxWidth) {
        error = std::string(kErrorPrefix) + "\"width\" must be a number of columns from 0 to " +
                std::to_string(kMaxWidth);
        return std::nullopt;
      }
      config.width = m->value.GetUint();
    } else if (key == "ids") {
      if (!m->value.IsBool()) {
        error = std::string(kErrorPrefix) + "\"ids\" must be true or false";
        return std::nullopt;
      }
      config.ids = m->value.GetBool();
    } else {
      error = std::string(kErrorPrefix) + "unknown key \"" + std::string(key) +
              "\" (known: width, ids)";
      return std::nullopt;
    }
  }
  return config;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) width += columns(next_code_point(text, i));
  return width;
}

void append_printable(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t start = i;
    const char32_t cp = next_code_point(text, i);
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      out.push_back(' ');
    } else if (cp == kReplacement || unsafe(cp)) {
      append_utf8(kReplacement, out);
    } else {
      out.append(text.data() + start, i - start);
    }
  }
}

void cut_to_width(std::string& line, std::size_t width) {
  if (width == 0 || line.size() <= width) return;  // bytes >= columns
  if (display_width(line) <= width) return;
  std::size_t used = 0;
  std::size_t keep = 0;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t start = i;
    const std::size_t w = columns(next_code_point(line, i));
    if (used + w > width - 1) {
      keep = start;
      break;
    }
    used += w;
    keep = i;
  }
  line.resize(keep);
  line.append(kEllipsis);
}

std::string format_time_ms(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return "-";
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(text, n);
}

LineFormatter::LineFormatter() : allocator_(buffer_, sizeof buffer_), doc_(&allocator_) {}

void LineFormatter::format(std::string_view payload, std::string_view topic,
                           std::int64_t timestamp_ms, std::size_t width, std::string& out) {
  out.clear();
  doc_.Parse(payload.data(), payload.size());
  const Value* doc = !doc_.HasParseError() && doc_.IsObject() ? &doc_ : nullptr;
  append_time(doc, timestamp_ms, out);
  out.push_back(' ');
  const std::string_view title =
      doc ? first_string(*doc, {"title", "page_title", "page.page_title"}) : std::string_view();
  const std::string_view user =
      doc ? first_string(*doc, {"user", "performer.user_text"}) : std::string_view();

  if (!doc) {
    // Not a JSON object: its text, as far as it goes.
    append_printable(topic, out);
    out.push_back(' ');
    append_printable(payload.substr(0, width ? width * 4 : payload.size()), out);
  } else if (!title.empty() || !user.empty()) {
    // A MediaWiki-shaped event: wiki, type, [[title]], user: comment.
    const std::string_view wiki =
        first_string(*doc, {"wiki", "database", "wiki_id", "meta.domain"});
    append_printable(wiki.empty() ? "-" : wiki, out);
    out.push_back(' ');
    const std::string_view type = first_string(*doc, {"type", "page_change_kind", "meta.stream"});
    append_printable(type.empty() ? "-" : type, out);
    if (type == "log") {
      if (const std::string_view log_type = first_string(*doc, {"log_type"}); !log_type.empty()) {
        out.push_back('/');
        append_printable(log_type, out);
      }
    }
    if (!title.empty()) {
      out.append(" [[");
      append_printable(title, out);
      out.append("]]");
    }
    if (!user.empty()) {
      out.push_back(' ');
      append_printable(user, out);
      if (is_true(*doc, "bot") || is_true(*doc, "performer.user_is_bot")) out.append(" (bot)");
    }
    const std::string_view comment = first_string(*doc, {"comment", "revision.comment"});
    if (!comment.empty()) {
      out.append(user.empty() ? " " : ": ");
      append_printable(comment, out);
    }
  } else {
    // Any other event: its topic, then its top-level fields but `meta` and `$schema`.
    append_printable(topic, out);
    for (auto m = doc->MemberBegin(); m != doc->MemberEnd(); ++m) {
      const std::string_view name = text_of(m->name);
      if (name == "meta" || name == "$schema") continue;
      if (width && out.size() > 4 * static_cast<std::size_t>(width)) break;  // cut anyway
      out.push_back(' ');
      append_printable(name, out);
      out.push_back('=');
      append_value(m->value, out);
    }
  }
  cut_to_width(out, width);
  // The parse memory goes back to the buffer for the next event.
  doc_.SetNull();
  allocator_.Clear();
}

void TextPlainEncoder::encode(const EventBatch& batch, std::string& out,
                              std::vector<EncodedFrame>& frames) noexcept {
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    if (e.dropped) continue;
    const std::size_t start = out.size();
    try {
      formatter_.format(batch.value(e), batch.topic(e), e.timestamp, config_.width, line_);
      out.append(line_).push_back('\n');
      const std::string_view id = batch.id(e);
      if (config_.ids && !id.empty()) {
        out.append("id: ");
        append_printable(id, out);  // compact JSON from the host: one line already
        out.push_back('\n');
      }
    } catch (...) {
      out.resize(start);  // out of memory: the event is left out, its position still counts
      continue;
    }
    frames.push_back(EncodedFrame{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(start),
                                  static_cast<std::uint32_t>(out.size() - start)});
  }
}

void TextPlainEncoder::heartbeat(std::string& out) noexcept {
  try {
    out.push_back('\n');
  } catch (...) {
  }
}

void TextPlainEncoder::error(std::string_view error_json, std::string& out) noexcept {
  try {
    out.append("error: ");
    append_printable(error_json, out);
    out.push_back('\n');
  } catch (...) {
  }
}

std::unique_ptr<eventstreams::Encoder> TextPlainEncoderFactory::create() noexcept {
  try {
    return std::make_unique<TextPlainEncoder>(config_);
  } catch (...) {
    return nullptr;
  }
}

std::unique_ptr<eventstreams::EncoderFactory> create_factory(
    const eventstreams::PluginContext& context, std::string& error) noexcept {
  return eventstreams::guarded_create(
      "text-plain encoder: ", error, [&]() -> std::unique_ptr<eventstreams::EncoderFactory> {
        const std::optional<Config> config = parse_config(context.config_json, error);
        if (!config) return nullptr;
        return std::make_unique<TextPlainEncoderFactory>(*config);
      });
}

}  // namespace text_plain
