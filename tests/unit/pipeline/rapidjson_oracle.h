// RapidJSON as the reference for rewrite_event: what a DOM-based implementation would accept
// and produce.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pipeline/meta_rewriter.h"

namespace eventstreams::pipeline::testing {

// RFC 8259 demands UTF-8, so the reference validates it too.
inline constexpr unsigned kOracleParseFlags = rapidjson::kParseValidateEncodingFlag;

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sample events, as (file name, contents), sorted by name.
inline std::vector<std::pair<std::string, std::string>> load_fixtures() {
  std::vector<std::pair<std::string, std::string>> fixtures;
  for (const auto& entry : std::filesystem::directory_iterator(ES_EVENT_FIXTURES_DIR)) {
    if (entry.path().extension() == ".json") {
      fixtures.emplace_back(entry.path().filename().string(), read_file(entry.path()));
    }
  }
  std::sort(fixtures.begin(), fixtures.end());
  return fixtures;
}

inline std::string write_compact(const rapidjson::Value& value) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buf);
  value.Accept(writer);
  return std::string(buf.GetString(), buf.GetSize());
}

inline bool name_is(const rapidjson::Value& name, std::string_view wanted) {
  return std::string_view(name.GetString(), name.GetStringLength()) == wanted;
}

// The member a parser keeps for a duplicated name: the last one.
inline const rapidjson::Value* last_member(const rapidjson::Value& object, std::string_view name) {
  const rapidjson::Value* found = nullptr;
  for (const auto& m : object.GetObject()) {
    if (name_is(m.name, name)) found = &m.value;
  }
  return found;
}

// (Mutable members are walked by index: clang's C++20 mode finds RapidJSON's non-const
// member iterator comparisons ambiguous.)

// Sets the meta fields in a meta object the way rewrite_event documents it: every member of
// that name replaced in place, missing ones appended in order.
inline void set_meta_fields(rapidjson::Value& m, const MetaFields& meta,
                            rapidjson::Document::AllocatorType& alloc) {
  const auto set = [&](const char* name, const rapidjson::Value& value) {
    bool found = false;
    for (rapidjson::SizeType i = 0; i < m.MemberCount(); ++i) {
      auto& member = m.MemberBegin()[i];
      if (name_is(member.name, name)) {
        member.value.CopyFrom(value, alloc);
        found = true;
      }
    }
    if (!found) {
      rapidjson::Value copy;
      copy.CopyFrom(value, alloc);
      m.AddMember(rapidjson::StringRef(name), copy, alloc);
    }
  };
  rapidjson::Value topic(meta.topic.data(), static_cast<rapidjson::SizeType>(meta.topic.size()),
                         alloc);
  set("topic", topic);
  set("partition", rapidjson::Value(meta.partition));
  set("offset", rapidjson::Value(static_cast<int64_t>(meta.offset)));
  if (meta.key != nullptr) {
    rapidjson::Value key(meta.key->data(), static_cast<rapidjson::SizeType>(meta.key->size()),
                         alloc);
    set("key", key);
  }
}

// What rewrite_event should produce for `input`, computed on a RapidJSON DOM and written back
// with RapidJSON's Writer; nullopt where it should fail. Topic and key must be valid UTF-8
// (the DOM copies them verbatim). Note the Writer re-encodes strings and numbers its own way,
// so compare bytes only for inputs already in its style, and DOMs otherwise.
inline std::optional<std::string> expected_rewrite(std::string_view input, const MetaFields& meta) {
  rapidjson::Document doc;
  doc.Parse<kOracleParseFlags>(input.data(), input.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const rapidjson::Value* last = last_member(doc, "meta");
  if (last != nullptr && !last->IsObject()) return std::nullopt;
  auto& alloc = doc.GetAllocator();
  if (last == nullptr) {
    doc.AddMember("meta", rapidjson::Value(rapidjson::kObjectType), alloc);
  }
  for (rapidjson::SizeType i = 0; i < doc.MemberCount(); ++i) {
    auto& member = doc.MemberBegin()[i];
    if (name_is(member.name, "meta") && member.value.IsObject()) {
      set_meta_fields(member.value, meta, alloc);
    }
  }
  return write_compact(doc);
}

// Does RapidJSON (our reference parser) accept `input` as a JSON object?
inline bool rapidjson_accepts_object(std::string_view input, rapidjson::ParseErrorCode* error) {
  rapidjson::Document doc;
  doc.Parse<kOracleParseFlags>(input.data(), input.size());
  *error = doc.GetParseError();
  return !doc.HasParseError() && doc.IsObject();
}

// What RapidJSON's in-memory UTF-8 stream skips before parsing: bytes EF, BB and BF, each one
// optional, so a BOM but also any part of one. We reject a BOM (it is not JSON whitespace).
inline std::string_view skip_rapidjson_bom(std::string_view s) {
  for (const char c : {'\xef', '\xbb', '\xbf'}) {
    if (!s.empty() && s.front() == c) s.remove_prefix(1);
  }
  return s;
}

// Parses JSON text that must be valid.
inline rapidjson::Document parse(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<kOracleParseFlags>(json.data(), json.size());
  return doc;
}

}  // namespace eventstreams::pipeline::testing
