#include "pipeline/resume_ids.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "request/packed_numbers.h"
#include "services/json_text.h"

namespace eventstreams::pipeline {
namespace {

using services::append_int;
using services::append_json_string;

constexpr std::size_t kNoField = SIZE_MAX;

// One packed number (request/packed_numbers.h).
struct Packed {
  char buf[request::packed::kMaxLength];
  std::size_t length = 0;
  explicit Packed(std::optional<std::int64_t> v) : length(request::packed::encode(v, buf)) {}
};

// a - b, as the id writes it: both are offsets or millisecond times, far from int64's ends
// in practice; saturate rather than overflow on hostile starts.
std::int64_t difference(std::int64_t a, std::int64_t b) {
  std::int64_t d;
  if (__builtin_sub_overflow(a, b, &d)) return a < b ? INT64_MIN : INT64_MAX;
  return d;
}

}  // namespace

ResumeIds::ResumeIds(const std::vector<PartitionStart>& partitions, const std::string& cluster_id)
    : cluster_id_(cluster_id) {
  entries_.reserve(partitions.size());
  for (const auto& p : partitions) {
    if (p.partition < 0) continue;
    int slot = topic_slot(p.topic);
    if (slot < 0) {
      slot = static_cast<int>(topics_.size());
      topics_.push_back(Topic{p.topic, {}, 0, std::nullopt, 0});
    }
    auto& by_partition = topics_[slot].entry_by_partition;
    if (by_partition.size() <= static_cast<std::size_t>(p.partition)) {
      by_partition.resize(static_cast<std::size_t>(p.partition) + 1, SIZE_MAX);
    }
    if (by_partition[p.partition] != SIZE_MAX) continue;  // named twice: the first one counts
    by_partition[p.partition] = entries_.size();
    Entry e;
    e.topic = static_cast<std::size_t>(slot);
    e.partition = p.partition;
    e.next_offset = p.offset;
    e.timestamp = p.timestamp;
    entries_.push_back(e);
  }
  rebuild();
}

void ResumeIds::rebuild() {
  for (auto& t : topics_) {
    t.timestamp_base.reset();
    t.assigned = 0;
    bool first = true;
    for (const std::size_t i : t.entry_by_partition) {
      if (i == SIZE_MAX) continue;
      ++t.assigned;
      const Entry& e = entries_[i];
      t.offset_base = first ? e.next_offset : std::min(t.offset_base, e.next_offset);
      first = false;
      if (e.timestamp)
        t.timestamp_base = std::min(t.timestamp_base.value_or(*e.timestamp), *e.timestamp);
    }
  }

  text_.clear();
  fields_.clear();
  const auto add_field = [&](std::optional<std::int64_t> value) {
    const Packed packed(value);
    fields_.push_back({text_.size(), packed.length});
    text_.append(packed.buf, packed.length);
    return fields_.size() - 1;
  };
  text_.push_back('[');
  for (std::size_t ti = 0; ti < topics_.size(); ++ti) {
    Topic& t = topics_[ti];
    if (ti) text_.push_back(',');
    if (t.assigned == 1) {
      render_single(t);
      continue;
    }
    text_.append("{\"topic\":");
    append_json_string(text_, t.name);
    if (!cluster_id_.empty()) {
      text_.append(",\"cluster\":");
      append_json_string(text_, cluster_id_);
    }
    text_.append(",\"offset\":");
    append_int(text_, t.offset_base);
    if (t.timestamp_base) {
      text_.append(",\"timestamp\":");
      append_int(text_, *t.timestamp_base);
    }
    text_.append(",\"offsets\":\"");
    for (const std::size_t i : t.entry_by_partition) {
      if (i == SIZE_MAX) {
        add_field(std::nullopt);  // not assigned: named by neither list
        continue;
      }
      entries_[i].offset_field = add_field(difference(entries_[i].next_offset, t.offset_base));
    }
    text_.push_back('"');
    if (t.timestamp_base) {
      text_.append(",\"timestamps\":\"");
      for (const std::size_t i : t.entry_by_partition) {
        if (i == SIZE_MAX) {
          add_field(std::nullopt);
          continue;
        }
        const auto& ts = entries_[i].timestamp;
        entries_[i].timestamp_field =
            add_field(ts ? std::optional(difference(*ts, *t.timestamp_base)) : std::nullopt);
      }
      text_.push_back('"');
    } else {
      for (const std::size_t i : t.entry_by_partition) {
        if (i != SIZE_MAX) entries_[i].timestamp_field = kNoField;
      }
    }
    text_.push_back('}');
  }
  text_.push_back(']');
}

std::size_t ResumeIds::add_decimal_field(std::int64_t value) {
  const std::size_t pos = text_.size();
  append_int(text_, value);
  fields_.push_back({pos, text_.size() - pos});
  return fields_.size() - 1;
}

void ResumeIds::render_single(Topic& t) {
  // The original's object for one partition, with the cluster marker: no bases and packed
  // differences to read, and tools written for the original's ids understand it.
  std::size_t index = SIZE_MAX;
  for (const std::size_t i : t.entry_by_partition) {
    if (i != SIZE_MAX) index = i;
  }
  Entry& e = entries_[index];
  text_.append("{\"topic\":");
  append_json_string(text_, t.name);
  text_.append(",\"partition\":");
  append_int(text_, e.partition);
  if (!cluster_id_.empty()) {
    text_.append(",\"cluster\":");
    append_json_string(text_, cluster_id_);
  }
  text_.append(",\"offset\":");
  e.offset_field = add_decimal_field(e.next_offset);
  if (e.timestamp) {
    text_.append(",\"timestamp\":");
    e.timestamp_field = add_decimal_field(*e.timestamp);
  } else {
    e.timestamp_field = kNoField;
  }
  text_.push_back('}');
}

void ResumeIds::write_decimal_field(std::size_t field, std::int64_t value) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, value);
  write_field(field, digits, static_cast<std::size_t>(r.ptr - digits));
}

void ResumeIds::write_field(std::size_t field, const char* digits, std::size_t length) {
  Field& f = fields_[field];
  if (length == f.length) {
    std::memcpy(text_.data() + f.pos, digits, length);  // the usual case: no length change
    return;
  }
  text_.replace(f.pos, f.length, digits, length);
  const auto shift = static_cast<std::ptrdiff_t>(length) - static_cast<std::ptrdiff_t>(f.length);
  f.length = length;
  for (std::size_t i = field + 1; i < fields_.size(); ++i) {
    fields_[i].pos = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(fields_[i].pos) + shift);
  }
}

void ResumeIds::set_offset(const Entry& e) {
  if (topics_[e.topic].assigned == 1) return write_decimal_field(e.offset_field, e.next_offset);
  const Packed d(difference(e.next_offset, topics_[e.topic].offset_base));
  write_field(e.offset_field, d.buf, d.length);
}

void ResumeIds::set_timestamp(const Entry& e) {
  if (e.timestamp_field == kNoField) {
    rebuild();  // the topic's first time: it gets a base and a timestamps array
    return;
  }
  if (topics_[e.topic].assigned == 1) return write_decimal_field(e.timestamp_field, *e.timestamp);
  const Packed d(difference(*e.timestamp, *topics_[e.topic].timestamp_base));
  write_field(e.timestamp_field, d.buf, d.length);
}

void ResumeIds::after_change() {
  if (text_.size() <= kMaxIdBytes) {
    rebuild_failed_ = false;
    return;
  }
  if (rebuild_failed_ && ++advances_since_failed_rebuild_ < entries_.size()) return;
  rebuild();
  rebuild_failed_ = text_.size() > kMaxIdBytes;
  advances_since_failed_rebuild_ = 0;
}

int ResumeIds::topic_slot(std::string_view topic) const {
  for (std::size_t i = 0; i < topics_.size(); ++i) {
    if (topics_[i].name == topic) return static_cast<int>(i);
  }
  return -1;
}

void ResumeIds::advance(int topic_slot, std::int32_t partition, std::int64_t offset,
                        std::int64_t timestamp) {
  if (topic_slot < 0 || static_cast<std::size_t>(topic_slot) >= topics_.size()) return;
  const auto& by_partition = topics_[topic_slot].entry_by_partition;
  if (partition < 0 || static_cast<std::size_t>(partition) >= by_partition.size() ||
      by_partition[partition] == SIZE_MAX) {
    return;
  }
  Entry& e = entries_[by_partition[partition]];
  e.next_offset = offset + 1;
  e.timestamp = timestamp + 1;
  e.delivered = true;
  set_offset(e);
  set_timestamp(e);
  after_change();
}

void ResumeIds::append_id(std::string& out) const {
  if (text_.size() <= kMaxIdBytes) {
    out.append(text_);
  } else {
    append_coarse_id(out);
  }
}

void ResumeIds::append_coarse_id(std::string& out) const {
  out.push_back('[');
  for (std::size_t ti = 0; ti < topics_.size(); ++ti) {
    const Topic& t = topics_[ti];
    // The earliest time of any partition: none of them misses an event. A partition that
    // knows no time (it started at an offset) can only be named from the beginning.
    std::int64_t earliest = INT64_MAX;
    for (const std::size_t i : t.entry_by_partition) {
      if (i == SIZE_MAX) continue;
      earliest = std::min(earliest, entries_[i].timestamp.value_or(0));
    }
    if (ti) out.push_back(',');
    out.append("{\"topic\":");
    append_json_string(out, t.name);
    out.append(",\"partitions\":");
    append_int(out, static_cast<std::int64_t>(t.entry_by_partition.size()));
    out.append(",\"timestamp\":");
    append_int(out, earliest);
    out.push_back('}');
  }
  out.push_back(']');
}

bool ResumeIds::same_offsets(const ResumeIds& other) const {
  if (entries_.size() != other.entries_.size()) return false;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& a = entries_[i];
    const Entry& b = other.entries_[i];
    if (a.partition != b.partition || a.next_offset != b.next_offset ||
        topics_[a.topic].name != other.topics_[b.topic].name) {
      return false;
    }
  }
  return true;
}

void ResumeIds::caught_up_at(std::int64_t now_ms) {
  bool changed = false;
  for (Entry& e : entries_) {
    if (e.delivered) continue;
    e.timestamp = now_ms;
    changed = true;
  }
  if (changed) rebuild();
  after_change();
}

std::vector<PartitionStart> ResumeIds::positions() const {
  std::vector<PartitionStart> out;
  out.reserve(entries_.size());
  for (const auto& e : entries_)
    out.push_back({topics_[e.topic].name, e.partition, e.next_offset, e.timestamp});
  return out;
}

}  // namespace eventstreams::pipeline
