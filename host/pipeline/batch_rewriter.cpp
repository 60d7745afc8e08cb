#include "pipeline/batch_rewriter.h"

#include "pipeline/meta_rewriter.h"

namespace eventstreams::pipeline {

std::size_t BatchRewriter::rewrite(const EventBatch& raw, EventBatch& out, bool with_ids) {
  out.clear();
  // A reader's topic table only grows, so the slots cached for it stay right.
  if (out.topics.size() != raw.topics.size()) out.topics = raw.topics;
  while (topic_slots_.size() < raw.topics.size()) {
    topic_slots_.push_back(ids_.topic_slot(raw.topics[topic_slots_.size()]));
  }
  std::size_t invalid = 0;
  std::string& arena = out.arena;
  for (const Event& e : raw.events) {
    Event kept = e;
    const std::string_view key = raw.key(e);
    MetaFields meta{raw.topic(e), e.partition, e.offset, e.has_key ? &key : nullptr};
    const std::size_t start = arena.size();
    if (!rewrite_event(raw.value(e), meta, arena)) {
      kept.dropped = true;
      kept.value = {};
      ++invalid;
    } else {
      kept.value = {static_cast<std::uint32_t>(start),
                    static_cast<std::uint32_t>(arena.size() - start)};
    }
    kept.key = {};
    kept.has_key = false;
    ids_.advance(topic_slots_[e.topic], e.partition, e.offset, e.timestamp);
    if (with_ids && !kept.dropped) {
      const std::size_t id_start = arena.size();
      ids_.append_id(arena);
      kept.id = {static_cast<std::uint32_t>(id_start),
                 static_cast<std::uint32_t>(arena.size() - id_start)};
    }
    out.events.push_back(kept);
  }
  return invalid;
}

}  // namespace eventstreams::pipeline
