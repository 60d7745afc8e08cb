#include "pipeline/resume_ids.h"

#include <cstdint>

#include "services/json_text.h"

namespace eventstreams::pipeline {

using services::append_int;
using services::append_json_string;

ResumeIds::ResumeIds(const std::vector<PartitionStart>& partitions, const std::string& cluster_id) {
  entries_.reserve(partitions.size());
  for (const auto& p : partitions) {
    Entry e;
    e.topic = p.topic;
    e.partition = p.partition;
    e.next_offset = p.offset;
    e.has_timestamp = p.timestamp.has_value();
    e.timestamp = p.timestamp.value_or(0);
    e.head.append("{\"topic\":");
    append_json_string(e.head, e.topic);
    e.head.append(",\"partition\":");
    append_int(e.head, e.partition);
    if (!cluster_id.empty()) {
      e.tail.append(",\"cluster\":");
      append_json_string(e.tail, cluster_id);
    }
    e.tail.push_back('}');
    render(e);
    int slot = topic_slot(p.topic);
    if (slot < 0) {
      slot = static_cast<int>(topics_.size());
      topics_.push_back(p.topic);
      entry_by_partition_.emplace_back();
    }
    auto& slots = entry_by_partition_[slot];
    if (slots.size() <= static_cast<std::size_t>(p.partition))
      slots.resize(p.partition + 1, SIZE_MAX);
    slots[p.partition] = entries_.size();
    entries_.push_back(std::move(e));
  }
}

void ResumeIds::render(Entry& e) const {
  e.text.assign(e.head);
  if (e.has_timestamp) {
    e.text.append(",\"timestamp\":");
    append_int(e.text, e.timestamp);
  }
  e.text.append(",\"offset\":");
  append_int(e.text, e.next_offset);
  e.text.append(e.tail);
}

int ResumeIds::topic_slot(std::string_view topic) const {
  for (std::size_t i = 0; i < topics_.size(); ++i) {
    if (topics_[i] == topic) return static_cast<int>(i);
  }
  return -1;
}

void ResumeIds::advance(int topic_slot, std::int32_t partition, std::int64_t offset,
                        std::int64_t timestamp) {
  if (topic_slot < 0 || static_cast<std::size_t>(topic_slot) >= entry_by_partition_.size()) {
    return;
  }
  const auto& slots = entry_by_partition_[topic_slot];
  if (partition < 0 || static_cast<std::size_t>(partition) >= slots.size() ||
      slots[partition] == SIZE_MAX) {
    return;
  }
  Entry& e = entries_[slots[partition]];
  e.next_offset = offset + 1;
  e.has_timestamp = true;
  e.delivered = true;
  e.timestamp = timestamp + 1;
  render(e);
}

void ResumeIds::append_id(std::string& out) const {
  out.push_back('[');
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (i) out.push_back(',');
    out.append(entries_[i].text);
  }
  out.push_back(']');
}

bool ResumeIds::same_offsets(const ResumeIds& other) const {
  if (entries_.size() != other.entries_.size()) return false;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& a = entries_[i];
    const Entry& b = other.entries_[i];
    if (a.partition != b.partition || a.next_offset != b.next_offset || a.topic != b.topic) {
      return false;
    }
  }
  return true;
}

void ResumeIds::caught_up_at(std::int64_t now_ms) {
  for (Entry& e : entries_) {
    if (e.delivered) continue;
    e.has_timestamp = true;
    e.timestamp = now_ms;
    render(e);
  }
}

std::vector<PartitionStart> ResumeIds::positions() const {
  std::vector<PartitionStart> out;
  for (const auto& e : entries_) {
    PartitionStart p{e.topic, e.partition, e.next_offset, {}};
    if (e.has_timestamp) p.timestamp = e.timestamp;
    out.push_back(p);
  }
  return out;
}

}  // namespace eventstreams::pipeline
