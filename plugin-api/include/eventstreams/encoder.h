// An encoder turns events into the bytes of one response format.
//
// The host picks an encoder by the request's Accept header among the media types the
// encoders declare. Each group of clients that receive the same events shares one Encoder
// instance, and each event is encoded once for all of them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/event_batch.h"

namespace eventstreams {

struct EncodedFrame {
  std::uint32_t event_index;  // index of the event in the batch
  std::uint32_t offset;       // where its bytes start in the output
  std::uint32_t length;
};

class Encoder {
 public:
  virtual ~Encoder() = default;

  // Appends one frame per event that is not dropped, in order, and records where each
  // frame lies in `out`.
  virtual void encode(const EventBatch& batch, std::string& out,
                      std::vector<EncodedFrame>& frames) noexcept = 0;

  // Keeps an idle connection alive.
  virtual void heartbeat(std::string& out) noexcept = 0;

  // The last frame of a stream that ends on an error; `error_json` is a JSON object text.
  virtual void error(std::string_view error_json, std::string& out) noexcept = 0;
};

class EncoderFactory {
 public:
  virtual ~EncoderFactory() = default;

  // Media types this encoder serves, matched against Accept by prefix, e.g.
  // {"application/json", "application/x-ndjson"}. The first is its canonical type.
  virtual std::vector<std::string> media_types() const = 0;

  // The Content-Type header of its responses, e.g. "text/event-stream; charset=utf-8".
  virtual std::string content_type() const = 0;

  // The first bytes of every stream, sent with the headers (SSE: ":ok\n\n"); fixed by the
  // configuration, so the host reads it without making an encoder.
  virtual std::string preamble() const = 0;

  // True when the encoder writes event ids (the host then fills Event::id).
  virtual bool wants_ids() const noexcept = 0;

  virtual std::unique_ptr<Encoder> create() noexcept = 0;
};

}  // namespace eventstreams
