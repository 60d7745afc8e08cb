// Server-Sent Events encoder (SPEC 2.1): the logic behind the "sse" plugin.
//
// Frame layout, byte for byte:
//   preamble   ":ok\n\n" then, when `retry_ms` is configured, "retry: <ms>\n\n"
//   event      "event: message\n" ["id: <id>\n"] "data: <line>\n"... "\n"
//   heartbeat  ":<heartbeat_comment>\n\n"
//   error      "event: error\n" "data: <line>\n"... "\n"
// Payloads are split into one `data:` line per line; "\r\n", "\r" and "\n" each count as one
// line break (the SSE rule), so a client joining the data lines with "\n" gets the payload back
// with its line breaks normalised to "\n".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/abi.h"
#include "eventstreams/config_keys.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"

namespace eventstreams::sse {

struct SseConfig {
  // Sent once as "retry: N" after ":ok" when set.
  std::optional<std::uint64_t> retry_ms;
  // Text of the heartbeat comment; may not contain line breaks.
  std::string heartbeat_comment = "heartbeat";
};

// The plugin's config keys (exported in its descriptor; parse_config reads by them).
extern const ConfigTable kConfigTable;

// Parses the plugin configuration (a JSON object text; "" and "null" mean defaults).
// Returns nullopt and sets `error` on unknown keys, wrong types or malformed JSON.
std::optional<SseConfig> parse_config(std::string_view config_json, std::string& error);

// Appends "data: <line>\n" for every line of `text` (at least one, even for empty text).
void append_data_lines(std::string_view text, std::string& out);

// The bytes that never change for a configured encoder, computed once per factory.
struct SseFixedFrames {
  std::string preamble;
  std::string heartbeat;
};

class SseEncoder final : public Encoder {
 public:
  explicit SseEncoder(std::shared_ptr<const SseFixedFrames> fixed) noexcept
      : fixed_(std::move(fixed)) {}

  void encode(const EventBatch& batch, std::string& out,
              std::vector<EncodedFrame>& frames) noexcept override;
  void heartbeat(std::string& out) noexcept override;
  void error(std::string_view error_json, std::string& out) noexcept override;

 private:
  std::shared_ptr<const SseFixedFrames> fixed_;
};

class SseEncoderFactory final : public EncoderFactory {
 public:
  explicit SseEncoderFactory(const SseConfig& config);

  std::vector<std::string> media_types() const override { return {"text/event-stream"}; }
  std::string content_type() const override { return "text/event-stream; charset=utf-8"; }
  std::string preamble() const override { return fixed_->preamble; }
  bool wants_ids() const noexcept override { return true; }
  std::unique_ptr<Encoder> create() noexcept override;

 private:
  std::shared_ptr<const SseFixedFrames> fixed_;
};

// What the plugin entry point calls. Does not throw: on failure returns null and sets `error`.
std::unique_ptr<EncoderFactory> create_factory(const PluginContext& context,
                                               std::string& error) noexcept;

}  // namespace eventstreams::sse
