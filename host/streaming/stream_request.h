// What the HTTP route hands the streaming engine: one validated request for a stream, in the
// engine's terms. The engine alone decides how it is served (live hub, replay of a live hub's
// recent events, or a reader of its own).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eventstreams/transform.h"
#include "http/connection_limiter.h"
#include "pipeline/content_coding.h"
#include "request/last_event_id.h"
#include "streaming/stream_plan.h"

namespace eventstreams::streaming {

struct StreamRequest {
  // The Kafka topics of the requested streams: sorted, without duplicates.
  std::vector<std::string> topics;
  // Where to start (SPEC 2): the Last-Event-ID entries name partitions, `since` the rest;
  // neither: the live head.
  std::optional<std::int64_t> since;
  std::vector<request::LastEventIdEntry> last_event_id;

  // Which of the engine's encoders writes the stream.
  std::size_t encoder_index = 0;
  // Clients with the same group key (encoder, transforms, streams) share every encoded byte.
  std::string group_key;
  std::vector<std::unique_ptr<Transform>> transforms;
  // The body's content coding (Accept-Encoding).
  pipeline::ContentCoding coding = pipeline::ContentCoding::kIdentity;

  ClientInfo client;
  // The client's place under the connection limits, held for as long as it streams.
  http::ConnectionSlot slot;
  // HEAD: resolve where the stream would start (for the headers), stream nothing.
  bool head_only = false;
};

}  // namespace eventstreams::streaming
