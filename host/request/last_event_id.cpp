#include "request/last_event_id.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <limits>

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

  out.reserve(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const rapidjson::Value& element = doc[i];
    if (!element.IsObject()) {
      error = "Last-Event-ID element " + std::to_string(i) + " must be an object";
      return false;
    }
    LastEventIdEntry entry;

    const auto topic = element.FindMember("topic");
    if (topic == element.MemberEnd()) {
      error = element_error(i, "missing \"topic\"");
      return false;
    }
    if (!topic->value.IsString() || topic->value.GetStringLength() == 0) {
      error = element_error(i, "\"topic\" must be a non-empty string");
      return false;
    }
    entry.topic.assign(topic->value.GetString(), topic->value.GetStringLength());

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

    const auto cluster = element.FindMember("cluster");
    if (cluster != element.MemberEnd() && cluster->value.IsString()) {
      entry.cluster.emplace(cluster->value.GetString(), cluster->value.GetStringLength());
    }
    out.push_back(std::move(entry));
  }
  return true;
}

}  // namespace eventstreams::request
