#include "ndjson_encoder.h"

#include <algorithm>
#include <cstring>

#include "eventstreams/guarded_create.h"
#include "plugin_common/config_table.h"

namespace eventstreams::ndjson {
namespace {

using plugin_common::NumberWording;

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

}  // namespace

// No keys: the encoder takes no settings, and the host says so for any key given.
const ConfigTable kConfigTable{nullptr, 0};

std::optional<NdjsonConfig> parse_config(std::string_view config_json, std::string& error) {
  plugin_common::ConfigValues values;
  if (!plugin_common::load_config(config_json, kConfigTable, kErrorPrefix, NumberWording::kKind,
                                  values, error)) {
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
