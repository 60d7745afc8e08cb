// Newline-delimited JSON encoder (SPEC 2.2): the logic behind the "ndjson" plugin.
//
// Frame layout, byte for byte:
//   preamble   nothing
//   event      <payload> "\n"
//   heartbeat  "\n" (an empty line; NDJSON readers skip it)
//   error      "{\"error\":" <error_json> "}\n"
// One event is exactly one line: raw CR or LF bytes in a payload (or in error_json) are
// replaced by spaces. The payloads are compact JSON, where a raw CR or LF can only be
// whitespace between tokens (inside strings JSON requires them escaped), so the replacement
// keeps the JSON's meaning while a client that splits on "\n" never sees half an event.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/abi.h"
#include "eventstreams/config_keys.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"

namespace eventstreams::ndjson {

// The encoder has no settings; the config must be empty ("", "null" or "{}").
struct NdjsonConfig {};

// The plugin's config keys: none (exported in its descriptor).
extern const ConfigTable kConfigTable;

std::optional<NdjsonConfig> parse_config(std::string_view config_json, std::string& error);

// Appends `text` with every CR and LF byte replaced by a space.
void append_one_line(std::string_view text, std::string& out);

class NdjsonEncoder final : public Encoder {
 public:
  void encode(const EventBatch& batch, std::string& out,
              std::vector<EncodedFrame>& frames) noexcept override;
  void heartbeat(std::string& out) noexcept override;
  void error(std::string_view error_json, std::string& out) noexcept override;
};

class NdjsonEncoderFactory final : public EncoderFactory {
 public:
  std::vector<std::string> media_types() const override {
    return {"application/json", "application/x-ndjson"};
  }
  std::string content_type() const override { return "application/json; charset=utf-8"; }
  std::string preamble() const override { return {}; }
  bool wants_ids() const noexcept override { return false; }
  std::unique_ptr<Encoder> create() noexcept override;
};

// What the plugin entry point calls. Does not throw: on failure returns null and sets `error`.
std::unique_ptr<EncoderFactory> create_factory(const PluginContext& context,
                                               std::string& error) noexcept;

}  // namespace eventstreams::ndjson
