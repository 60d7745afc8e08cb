#include "pipeline/replay_batch.h"

#include <algorithm>

namespace eventstreams::pipeline {

ReplayBatch::ReplayBatch(const std::vector<PartitionStart>& starts, const std::string& cluster_id,
                         bool with_ids)
    : ids_(starts, cluster_id), with_ids_(with_ids) {
  for (const PartitionStart& p : starts) {
    wants_.push_back({p.topic, p.partition, p.offset, ids_.topic_slot(p.topic)});
  }
}

void ReplayBatch::add(const std::string& topic, const Event& e, std::string_view value) {
  auto w = std::find_if(wants_.begin(), wants_.end(), [&](const Want& x) {
    return x.partition == e.partition && x.topic == topic;
  });
  if (w == wants_.end() || e.offset < w->next) return;  // it has this one already
  w->next = e.offset + 1;
  ids_.advance(w->slot, e.partition, e.offset, e.timestamp);
  if (e.dropped) return;
  Event copy = e;
  auto t = std::find(batch_.topics.begin(), batch_.topics.end(), topic);
  if (t == batch_.topics.end()) t = batch_.topics.insert(batch_.topics.end(), topic);
  copy.topic = static_cast<std::uint32_t>(t - batch_.topics.begin());
  copy.value = batch_.store(value);
  copy.key = {};
  copy.id = {};
  if (with_ids_) {
    const std::size_t id_start = batch_.arena.size();
    ids_.append_id(batch_.arena);
    copy.id = {static_cast<std::uint32_t>(id_start),
               static_cast<std::uint32_t>(batch_.arena.size() - id_start)};
  }
  batch_.events.push_back(copy);
}

}  // namespace eventstreams::pipeline
