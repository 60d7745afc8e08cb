// text/plain: one human-readable line per event, for terminals (curl -H 'Accept: text/plain').
//
//   2026-11-28T07:00:01Z enwiki edit [[Main Page]] ExampleEditor: fix a typo
//   id: [{"topic":"eqiad.mediawiki.recentchange","partition":0,"offset":1234,...}]
//
// The line: time, wiki, type, title, user, comment, each taken from the first field of the
// event that has it (see README.md), cut to `width` terminal columns. An event with neither
// title nor user gets the generic line: time, topic, then its top-level fields as
// `name=value`. Control characters, bidirectional overrides and invalid UTF-8 never reach
// the terminal: each becomes U+FFFD (tabs and line breaks a space).
//
// Resuming: with `ids` on (the default) each event line is followed by `id: <id>`, the
// position after that event, which a client sends back as its Last-Event-ID header to
// resume exactly after the last line it got.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/abi.h"
#include "eventstreams/encoder.h"
#include "eventstreams/event_batch.h"

namespace text_plain {

struct Config {
  // Terminal columns a line is cut to (the cut shows as "…"); 0: lines are not cut.
  std::uint32_t width = 160;
  // An `id: ...` line after every event, for resuming.
  bool ids = true;
};

// Parses the plugin configuration (a JSON object text; "", "null" and "{}" mean defaults).
std::optional<Config> parse_config(std::string_view config_json, std::string& error);

// Columns `text` (UTF-8) takes in a terminal: 0 for combining marks and zero-width
// characters, 2 for East Asian wide and fullwidth characters and emoji, 1 for the rest.
std::size_t display_width(std::string_view text);

// Appends `text` to `out` fit for a terminal line (see above).
void append_printable(std::string_view text, std::string& out);

// Cuts `line` (already printable) to at most `width` columns, ending in "…" when it cut.
void cut_to_width(std::string& line, std::size_t width);

// "YYYY-MM-DDTHH:MM:SSZ" for milliseconds since the epoch.
std::string format_time_ms(std::int64_t ms);

// Makes event lines. The parsed event lives in a buffer reused from event to event (events
// larger than it take heap chunks, freed after their line is made).
class LineFormatter {
 public:
  LineFormatter();
  LineFormatter(const LineFormatter&) = delete;
  LineFormatter& operator=(const LineFormatter&) = delete;

  // The line of one event, without line break, cut to `width` (0: not cut), into `out`
  // (cleared first). `topic` and `timestamp_ms` (Kafka's; -1 unknown) serve when the event
  // does not say.
  void format(std::string_view payload, std::string_view topic, std::int64_t timestamp_ms,
              std::size_t width, std::string& out);

 private:
  alignas(8) char buffer_[16384];
  rapidjson::MemoryPoolAllocator<> allocator_;
  rapidjson::Document doc_;
};

class TextPlainEncoder final : public eventstreams::Encoder {
 public:
  explicit TextPlainEncoder(const Config& config) : config_(config) {}
  void encode(const eventstreams::EventBatch& batch, std::string& out,
              std::vector<eventstreams::EncodedFrame>& frames) noexcept override;
  // An empty line: keeps proxies from closing an idle stream; readers skip it.
  void heartbeat(std::string& out) noexcept override;
  // "error: <json>\n", the last line of a stream that ends on an error.
  void error(std::string_view error_json, std::string& out) noexcept override;

 private:
  const Config config_;
  LineFormatter formatter_;
  std::string line_;  // reused
};

class TextPlainEncoderFactory final : public eventstreams::EncoderFactory {
 public:
  explicit TextPlainEncoderFactory(const Config& config) : config_(config) {}
  std::vector<std::string> media_types() const override { return {"text/plain"}; }
  std::string content_type() const override { return "text/plain; charset=utf-8"; }
  std::string preamble() const override { return {}; }
  bool wants_ids() const noexcept override { return config_.ids; }
  std::unique_ptr<eventstreams::Encoder> create() noexcept override;

 private:
  const Config config_;
};

// The plugin's create function: never throws; null with `error` set on a bad config.
std::unique_ptr<eventstreams::EncoderFactory> create_factory(
    const eventstreams::PluginContext& context, std::string& error) noexcept;

}  // namespace text_plain
