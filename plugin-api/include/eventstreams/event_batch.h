// A batch of events moving through a pipeline: source -> transforms -> encoder.
//
// All bytes of a batch (keys, payloads, ids) live in one arena string that is reused from
// batch to batch, so a warmed-up pipeline allocates nothing per event. Events refer to the
// arena by offset, never by pointer, because the arena may grow while a batch is built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams {

struct Span {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

struct Event {
  // Index into EventBatch::topics (names owned by the batch, stable across batches).
  std::uint32_t topic = 0;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  // Kafka message timestamp in ms since the epoch (CreateTime or LogAppendTime).
  std::int64_t timestamp = 0;
  bool has_key = false;
  // Set by a transform (or the host) to keep the event from being sent; the event still
  // counts as progress of its partition for resume ids.
  bool dropped = false;
  Span key;
  Span value;
  // Filled by the host before encoding when the encoder asks for ids (SSE `id:` line).
  Span id;
};

class EventBatch {
 public:
  std::vector<std::string> topics;  // topic table; grows, never shrinks while a reader lives
  std::vector<Event> events;
  std::string arena;

  void clear() noexcept {
    events.clear();
    arena.clear();
  }
  // Appends bytes to the arena and returns where they are.
  Span store(std::string_view bytes) {
    Span s{static_cast<std::uint32_t>(arena.size()), static_cast<std::uint32_t>(bytes.size())};
    arena.append(bytes);
    return s;
  }
  std::string_view view(Span s) const noexcept { return {arena.data() + s.offset, s.length}; }
  std::string_view topic(const Event& e) const noexcept { return topics[e.topic]; }
  std::string_view value(const Event& e) const noexcept { return view(e.value); }
  std::string_view key(const Event& e) const noexcept { return view(e.key); }
  std::string_view id(const Event& e) const noexcept { return view(e.id); }
};

}  // namespace eventstreams
