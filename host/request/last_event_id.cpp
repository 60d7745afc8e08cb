#include "request/last_event_id.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <limits>

#include "request/packed_numbers.h"

namespace eventstreams::request {
namespace {

bool is_json_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string element_error(rapidjson::SizeType index, std::string_view what) {
  std::string msg = "Last-Event-ID element ";
  msg += std::to_string(index);
  msg += ": ";
  msg += what;
  return msg;
}

// Reads an optional integral field. Returns false (with `error` set) when the field is present
// but is not an integral JSON number that fits an int64.
bool read_optional_int64(const rapidjson::Value& object, const char* key, rapidjson::SizeType index,
                         std::optional<std::int64_t>& out, std::string& error) {
  const auto it = object.FindMember(key);
  if (it == object.MemberEnd()) return true;
  if (!it->value.IsInt64()) {
    error = element_error(index, std::string("\"") + key + "\" must be an integer");
    return false;
  }
  out = it->value.GetInt64();
  return true;
}

// Entries one header may expand to: ids the server sends name far fewer partitions, and a
// hostile "partitions": 2000000000 must not allocate that many.
constexpr std::size_t kMaxEntries = 65536;

// The topic's name, or an error naming the element.
bool read_topic(const rapidjson::Value& object, rapidjson::SizeType index, std::string& out,
                std::string& error) {
  const auto topic = object.FindMember("topic");
  if (topic == object.MemberEnd()) {
    error = element_error(index, "missing \"topic\"");
    return false;
  }
  if (!topic->value.IsString() || topic->value.GetStringLength() == 0) {
    error = element_error(index, "\"topic\" must be a non-empty string");
    return false;
  }
  out.assign(topic->value.GetString(), topic->value.GetStringLength());
  return true;
}

std::optional<std::string> read_cluster(const rapidjson::Value& object) {
  const auto cluster = object.FindMember("cluster");
  if (cluster == object.MemberEnd() || !cluster->value.IsString()) return std::nullopt;
  return std::string(cluster->value.GetString(), cluster->value.GetStringLength());
}

bool push(std::vector<LastEventIdEntry>& out, LastEventIdEntry entry, rapidjson::SizeType index,
          std::string& error) {
  if (out.size() >= kMaxEntries) {
    error = element_error(index, "more than " + std::to_string(kMaxEntries) + " partitions");
    return false;
  }
  out.push_back(std::move(entry));
  return true;
}

// The original's form, one partition: {topic, partition, offset and / or timestamp}.
bool read_partition_object(const rapidjson::Value& element, rapidjson::SizeType i,
                           std::vector<LastEventIdEntry>& out, std::string& error) {
  LastEventIdEntry entry;
  if (!read_topic(element, i, entry.topic, error)) return false;
  const auto partition = element.FindMember("partition");
  if (partition == element.MemberEnd()) {
    error = element_error(i, "missing \"partition\"");
    return false;
  }
  if (!partition->value.IsInt64() || partition->value.GetInt64() < 0 ||
      partition->value.GetInt64() > std::numeric_limits<std::int32_t>::max()) {
    error = element_error(i, "\"partition\" must be an integer between 0 and 2147483647");
    return false;
  }
  entry.partition = static_cast<std::int32_t>(partition->value.GetInt64());
  if (!read_optional_int64(element, "offset", i, entry.offset, error) ||
      !read_optional_int64(element, "timestamp", i, entry.timestamp, error)) {
    return false;
  }
  if (!entry.offset && !entry.timestamp) {
    error = element_error(i, "needs an integer \"offset\" or \"timestamp\"");
    return false;
  }
  entry.cluster = read_cluster(element);
  return push(out, std::move(entry), i, error);
}

// A topic object (the compact form, resume_ids.h) has one of these instead of "partition".
bool is_topic_object(const rapidjson::Value& element) {
  return element.HasMember("offsets") || element.HasMember("timestamps") ||
         element.HasMember("partitions");
}

using NumberList = std::vector<std::optional<std::int64_t>>;

// An optional list of differences from a base, one per partition (none: not named): a packed
// string (packed_numbers.h, what the server sends) or a JSON array of integers and nulls.
bool read_list(const rapidjson::Value& element, const char* key, rapidjson::SizeType i,
               std::optional<NumberList>& out, std::string& error) {
  out.reset();
  const auto it = element.FindMember(key);
  if (it == element.MemberEnd()) return true;
  NumberList list;
  if (it->value.IsString()) {
    const std::string_view text(it->value.GetString(), it->value.GetStringLength());
    for (std::size_t pos = 0; pos < text.size();) {
      std::optional<std::int64_t> v;
      if (!packed::decode_next(text, pos, v) || list.size() >= kMaxEntries) {
        error = element_error(i, std::string("\"") + key + "\" is not a packed number list");
        return false;
      }
      list.push_back(v);
    }
  } else if (it->value.IsArray()) {
    for (const auto& v : it->value.GetArray()) {
      if (!v.IsNull() && !v.IsInt64()) {
        error = element_error(i, std::string("\"") + key + "\" must hold integers or null");
        return false;
      }
      list.push_back(v.IsNull() ? std::nullopt : std::optional(v.GetInt64()));
    }
  } else {
    error = element_error(i, std::string("\"") + key + "\" must be a string or an array");
    return false;
  }
  out = std::move(list);
  return true;
}

// base + element `p` of the list, when both are there; an error when the sum overflows.
bool position(const std::optional<NumberList>& list, std::size_t p, std::int64_t base,
              const char* key, rapidjson::SizeType i, std::optional<std::int64_t>& out,
              std::string& error) {
  out.reset();
  if (!list || p >= list->size() || !(*list)[p]) return true;
  std::int64_t sum;
  if (__builtin_add_overflow(base, *(*list)[p], &sum)) {
    error = element_error(
        i, std::string("\"") + key + "\" element " + std::to_string(p) + " overflows");
    return false;
  }
  out = sum;
  return true;
}

// The compact form: {topic, cluster?, offset?, timestamp?, offsets?, timestamps?}
// names partition p at offset + offsets[p] and timestamp + timestamps[p] (a missing base is 0);
// {topic, partitions: N, timestamp?, offset?} names partitions 0..N-1 all at the bases.
bool read_topic_object(const rapidjson::Value& element, rapidjson::SizeType i,
                       std::vector<LastEventIdEntry>& out, std::string& error) {
  std::string topic;
  if (!read_topic(element, i, topic, error)) return false;
  const std::optional<std::string> cluster = read_cluster(element);
  std::optional<std::int64_t> offset_base, timestamp_base;
  std::optional<NumberList> offsets, timestamps;
  if (!read_optional_int64(element, "offset", i, offset_base, error) ||
      !read_optional_int64(element, "timestamp", i, timestamp_base, error) ||
      !read_list(element, "offsets", i, offsets, error) ||
      !read_list(element, "timestamps", i, timestamps, error)) {
    return false;
  }
  const auto count = element.FindMember("partitions");
  if (count != element.MemberEnd()) {
    if (offsets || timestamps) {
      error = element_error(i, "\"partitions\" goes without \"offsets\" and \"timestamps\"");
      return false;
    }
    if (!count->value.IsInt64() || count->value.GetInt64() < 1 ||
        count->value.GetInt64() > static_cast<std::int64_t>(kMaxEntries)) {
      error = element_error(
          i, "\"partitions\" must be an integer between 1 and " + std::to_string(kMaxEntries));
      return false;
    }
    if (!offset_base && !timestamp_base) {
      error = element_error(i, "needs an integer \"offset\" or \"timestamp\"");
      return false;
    }
    for (std::int64_t p = 0; p < count->value.GetInt64(); ++p) {
      if (!push(out, {topic, static_cast<std::int32_t>(p), offset_base, timestamp_base, cluster}, i,
                error)) {
        return false;
      }
    }
    return true;
  }
  const std::size_t n =
      std::max(offsets ? offsets->size() : 0, timestamps ? timestamps->size() : 0);
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    error = element_error(i, "names too many partitions");
    return false;
  }
  bool named = false;
  for (std::size_t p = 0; p < n; ++p) {
    LastEventIdEntry entry{topic, static_cast<std::int32_t>(p), {}, {}, cluster};
    if (!position(offsets, p, offset_base.value_or(0), "offsets", i, entry.offset, error) ||
        !position(timestamps, p, timestamp_base.value_or(0), "timestamps", i, entry.timestamp,
                  error)) {
      return false;
    }
    if (!entry.offset && !entry.timestamp) continue;  // a partition it does not name
    named = true;
    if (!push(out, std::move(entry), i, error)) return false;
  }
  if (!named) {
    error = element_error(i, "names no partition");
    return false;
  }
  return true;
}

}  // namespace

bool parse_last_event_id(std::string_view header, std::vector<LastEventIdEntry>& out,
                         std::string& error) {
  out.clear();
  error.clear();

  bool blank = true;
  for (const char c : header) {
    if (!is_json_whitespace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) return true;

  // Iterative parsing: no recursion, so deeply nested input cannot exhaust the stack. The
  // document's pool allocator frees everything at once, so destruction does not recurse either.
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(header.data(),
                                                                                    header.size());
  if (doc.HasParseError()) {
    error = "Last-Event-ID is not valid JSON: ";
    error += rapidjson::GetParseError_En(doc.GetParseError());
    error += " (at byte " + std::to_string(doc.GetErrorOffset()) + ")";
    return false;
  }
  if (!doc.IsArray()) {
    error = "Last-Event-ID must be a JSON array of {topic, partition, offset or timestamp} objects";
    return false;
  }
  if (doc.Empty()) {
    error = "Last-Event-ID must not be an empty array";
    return false;
  }

  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const rapidjson::Value& element = doc[i];
    if (!element.IsObject()) {
      error = "Last-Event-ID element " + std::to_string(i) + " must be an object";
      return false;
    }
    const bool ok = element.HasMember("partition") || !is_topic_object(element)
                        ? read_partition_object(element, i, out, error)
                        : read_topic_object(element, i, out, error);
    if (!ok) return false;
  }
  return true;
}

}  // namespace eventstreams::request
