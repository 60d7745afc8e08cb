#include "ndjson_encoder.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstring>

#include "eventstreams/guarded_create.h"

namespace eventstreams::ndjson {
namespace {

constexpr std::string_view kErrorPrefix = "ndjson encoder config: ";

inline bool contains(std::string_view text, char c) noexcept {
  return !text.empty() && std::memchr(text.data(), c, text.size()) != nullptr;
}

// Grows `v` geometrically so that `extra` more elements fit (reserve() alone may grow to the
// exact size asked, which would make repeated calls quadratic).
template <typename Container>
void make_room(Container& v, std::size_t extra) {
  const std::size_t need = v.size() + extra;
  if (need > v.capacity()) v.reserve(std::max(need, v.capacity() * 2));
}

std::string quoted(std::string_view key) {
  rapidjson::Value v(rapidjson::StringRef(key.data(), key.size()));
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const char* describe(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "an unknown value";
}

}  // namespace

std::optional<NdjsonConfig> parse_config(std::string_view config_json, std::string& error) {
  if (config_json.find_first_not_of(" \t\r\n") == std::string_view::npos) return NdjsonConfig{};

  rapidjson::Document doc;
  doc.Parse(config_json.data(), config_json.size());
  if (doc.HasParseError()) {
    error = std::string(kErrorPrefix) + "invalid JSON at offset " +
            std::to_string(doc.GetErrorOffset()) + ": " +
            rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  if (doc.IsNull()) return NdjsonConfig{};
  if (!doc.IsObject()) {
    error = std::string(kErrorPrefix) + "expected a JSON object, got " + describe(doc);
    return std::nullopt;
  }
  if (doc.MemberCount() > 0) {
    const rapidjson::Value& name = doc.MemberBegin()->name;
    error = std::string(kErrorPrefix) + "unknown key " +
            quoted(std::string_view(name.GetString(), name.GetStringLength())) +
            " (the ndjson encoder takes no settings)";
    return std::nullopt;
  }
  return NdjsonConfig{};
}

void append_one_line(std::string_view text, std::string& out) {
  const std::size_t start = out.size();
  out.append(text);
  if (!contains(text, '\n') && !contains(text, '\r')) return;  // the usual case
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
}

void NdjsonEncoder::preamble(std::string& /*out*/) noexcept {}

void NdjsonEncoder::encode(const EventBatch& batch, std::string& out,
                           std::vector<EncodedFrame>& frames) noexcept {
  // One growth of `out` and `frames` per batch.
  std::size_t bytes = 0;
  std::size_t kept = 0;
  for (const Event& e : batch.events) {
    if (e.dropped) continue;
    bytes += e.value.length + 1;
    ++kept;
  }
  make_room(out, bytes);
  make_room(frames, kept);

  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    if (e.dropped) continue;
    const std::size_t start = out.size();
    append_one_line(batch.value(e), out);
    out.push_back('\n');
    frames.push_back(EncodedFrame{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(start),
                                  static_cast<std::uint32_t>(out.size() - start)});
  }
}

void NdjsonEncoder::heartbeat(std::string& out) noexcept {
  out.push_back('\n');
}

void NdjsonEncoder::error(std::string_view error_json, std::string& out) noexcept {
  out.append("{\"error\":");
  append_one_line(error_json, out);
  out.append("}\n");
}

std::unique_ptr<Encoder> NdjsonEncoderFactory::create() noexcept {
  try {
    return std::make_unique<NdjsonEncoder>();
  } catch (...) {
    return nullptr;
  }
}

std::unique_ptr<EncoderFactory> create_factory(const PluginContext& context,
                                               std::string& error) noexcept {
  return guarded_create("ndjson encoder: ", error, [&]() -> std::unique_ptr<EncoderFactory> {
    if (!parse_config(context.config_json, error)) return nullptr;
    return std::make_unique<NdjsonEncoderFactory>();
  });
}

}  // namespace eventstreams::ndjson
