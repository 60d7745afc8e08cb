#include "sse_encoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "eventstreams/guarded_create.h"
#include "plugin_common/config_table.h"

namespace eventstreams::sse {

constexpr ConfigKey kConfigKeys[] = {
    {"retry_ms", ConfigType::kUnsigned, nullptr,
     "sent once as \"retry: N\" after \":ok\": how long EventSource clients wait before "
     "reconnecting; unset: the client's own default"},
    {"heartbeat_comment", ConfigType::kString, R"("heartbeat")",
     "text of the heartbeat comment line (no line breaks)"},
};
const ConfigTable kConfigTable = config_table(kConfigKeys);

namespace {

using plugin_common::NumberWording;
using plugin_common::text_of;

constexpr std::string_view kErrorPrefix = "sse encoder config: ";
// Config errors show a number as itself: "got -1".
constexpr NumberWording kNumbers = NumberWording::kValue;

// Bytes every event frame has besides its id and payload:
// "event: message\n" + "id: " + "\n" + "data: " + "\n" + "\n".
constexpr std::size_t kEventOverhead = 15 + 4 + 1 + 6 + 1 + 1;

// Index of the first `c` in text[from..], or text.size() when there is none.
inline std::size_t find_byte(std::string_view text, std::size_t from, char c) noexcept {
  if (from >= text.size()) return text.size();
  const void* hit = std::memchr(text.data() + from, c, text.size() - from);
  return hit == nullptr ? text.size()
                        : static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
}

inline bool has_line_break(std::string_view text) noexcept {
  return find_byte(text, 0, '\n') != text.size() || find_byte(text, 0, '\r') != text.size();
}

// Appends `text` with every CR and LF replaced by a space, so it stays on one line.
void append_single_line(std::string_view text, std::string& out) {
  const std::size_t start = out.size();
  out.append(text);
  if (!has_line_break(text)) return;
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
}

// Grows `v` geometrically so that `extra` more elements fit (reserve() alone may grow to the
// exact size asked, which would make repeated calls quadratic).
template <typename Container>
void make_room(Container& v, std::size_t extra) {
  const std::size_t need = v.size() + extra;
  if (need > v.capacity()) v.reserve(std::max(need, v.capacity() * 2));
}

}  // namespace

std::optional<SseConfig> parse_config(std::string_view config_json, std::string& error) {
  plugin_common::ConfigValues values;
  if (!plugin_common::load_config(config_json, kConfigTable, kErrorPrefix, kNumbers, values,
                                  error)) {
    return std::nullopt;
  }
  SseConfig config;
  if (const auto& retry = values.get("retry_ms"); !retry.IsNull()) {
    config.retry_ms = retry.GetUint64();
  }
  const std::string_view comment = text_of(values.get("heartbeat_comment"));
  if (has_line_break(comment)) {
    error = std::string(kErrorPrefix) + "\"heartbeat_comment\" must not contain line breaks";
    return std::nullopt;
  }
  config.heartbeat_comment = std::string(comment);
  return config;
}

void append_data_lines(std::string_view text, std::string& out) {
  const std::size_t n = text.size();
  // Next LF and next CR at or after `start`; each is searched again only once passed, so the
  // payload is scanned once in total.
  std::size_t next_lf = find_byte(text, 0, '\n');
  std::size_t next_cr = find_byte(text, 0, '\r');
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = std::min(next_lf, next_cr);
    out.append("data: ");
    out.append(text.data() + start, end - start);
    out.push_back('\n');
    if (end == n) return;
    start = end + 1;
    if (text[end] == '\r' && start < n && text[start] == '\n') ++start;  // CRLF: one break
    if (next_lf < start) next_lf = find_byte(text, start, '\n');
    if (next_cr < start) next_cr = find_byte(text, start, '\r');
  }
}

void SseEncoder::encode(const EventBatch& batch, std::string& out,
                        std::vector<EncodedFrame>& frames) noexcept {
  // One growth of `out` and `frames` for the usual batch of one-line payloads.
  std::size_t estimate = 0;
  std::size_t kept = 0;
  for (const Event& e : batch.events) {
    if (e.dropped) continue;
    estimate += kEventOverhead + e.id.length + e.value.length;
    ++kept;
  }
  make_room(out, estimate);
  make_room(frames, kept);

  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const Event& e = batch.events[i];
    if (e.dropped) continue;
    const std::size_t start = out.size();
    out.append("event: message\n");
    const std::string_view id = batch.id(e);
    if (!id.empty()) {
      out.append("id: ");
      // Ids are compact JSON from the host and never contain raw line breaks; should one slip
      // in, it must not end the field (JSON treats the space the same way).
      append_single_line(id, out);
      out.push_back('\n');
    }
    append_data_lines(batch.value(e), out);
    out.push_back('\n');
    frames.push_back(EncodedFrame{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(start),
                                  static_cast<std::uint32_t>(out.size() - start)});
  }
}

void SseEncoder::heartbeat(std::string& out) noexcept {
  out.append(fixed_->heartbeat);
}

void SseEncoder::error(std::string_view error_json, std::string& out) noexcept {
  out.append("event: error\n");
  append_data_lines(error_json, out);
  out.push_back('\n');
}

SseEncoderFactory::SseEncoderFactory(const SseConfig& config) {
  auto fixed = std::make_shared<SseFixedFrames>();
  fixed->preamble = ":ok\n\n";
  if (config.retry_ms) {
    fixed->preamble += "retry: " + std::to_string(*config.retry_ms) + "\n\n";
  }
  fixed->heartbeat = ":" + config.heartbeat_comment + "\n\n";
  fixed_ = std::move(fixed);
}

std::unique_ptr<Encoder> SseEncoderFactory::create() noexcept {
  try {
    return std::make_unique<SseEncoder>(fixed_);
  } catch (...) {
    return nullptr;
  }
}

std::unique_ptr<EncoderFactory> create_factory(const PluginContext& context,
                                               std::string& error) noexcept {
  return guarded_create("sse encoder: ", error, [&]() -> std::unique_ptr<EncoderFactory> {
    std::optional<SseConfig> config = parse_config(context.config_json, error);
    if (!config) return nullptr;
    return std::make_unique<SseEncoderFactory>(*config);
  });
}

}  // namespace eventstreams::sse
