#include "http/openapi/schema_adapter.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams::http::openapi {
namespace {

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// The keywords of an OpenAPI 3.0 Schema Object.
const std::set<std::string_view>& known_keywords() {
  static const std::set<std::string_view> k{"title",         "multipleOf",
                                            "maximum",       "exclusiveMaximum",
                                            "minimum",       "exclusiveMinimum",
                                            "maxLength",     "minLength",
                                            "pattern",       "maxItems",
                                            "minItems",      "uniqueItems",
                                            "maxProperties", "minProperties",
                                            "required",      "enum",
                                            "type",          "allOf",
                                            "oneOf",         "anyOf",
                                            "not",           "items",
                                            "properties",    "additionalProperties",
                                            "description",   "format",
                                            "default",       "nullable",
                                            "discriminator", "readOnly",
                                            "writeOnly",     "xml",
                                            "externalDocs",  "example",
                                            "deprecated",    "$ref"};
  return k;
}

void adapt_type(Value& schema, Allocator& a) {
  auto it = schema.FindMember("type");
  if (it == schema.MemberEnd() || !it->value.IsArray()) return;
  std::vector<std::string> types;
  bool nullable = false;
  for (const auto& t : it->value.GetArray()) {
    if (!t.IsString()) continue;
    if (std::string_view(t.GetString()) == "null") {
      nullable = true;
    } else {
      types.emplace_back(t.GetString(), t.GetStringLength());
    }
  }
  if (types.size() == 1) {
    it->value.SetString(types[0].c_str(), static_cast<rapidjson::SizeType>(types[0].size()), a);
    if (nullable) schema.AddMember("nullable", true, a);
    return;
  }
  it->name.SetString("x-type", a);  // any type: kept for a reader
  if (nullable) schema.AddMember("nullable", true, a);
}

// draft 6+: exclusiveMinimum: 5  ->  3.0: minimum: 5, exclusiveMinimum: true
void adapt_exclusive(Value& schema, const char* exclusive, const char* bound, Allocator& a) {
  auto it = schema.FindMember(exclusive);
  if (it == schema.MemberEnd() || !it->value.IsNumber()) return;
  Value limit(it->value, a);
  it->value.SetBool(true);
  if (schema.HasMember(bound)) {
    schema[bound] = limit;
  } else {
    schema.AddMember(Value(bound, a), limit, a);
  }
}

void adapt(Value& schema, Allocator& a);

void adapt_each(Value& list, Allocator& a) {
  if (!list.IsArray()) return;
  for (auto& s : list.GetArray()) adapt(s, a);
}

void adapt(Value& schema, Allocator& a) {
  if (!schema.IsObject()) return;
  for (const char* gone : {"$schema", "$id", "$comment", "examples"}) schema.EraseMember(gone);
  if (auto it = schema.FindMember("const"); it != schema.MemberEnd()) {
    Value values(rapidjson::kArrayType);
    values.PushBack(Value(it->value, a), a);
    schema.EraseMember("const");
    if (!schema.HasMember("enum")) schema.AddMember("enum", values, a);
  }
  adapt_type(schema, a);
  adapt_exclusive(schema, "exclusiveMinimum", "minimum", a);
  adapt_exclusive(schema, "exclusiveMaximum", "maximum", a);
  for (const char* list : {"required", "enum"}) {
    auto it = schema.FindMember(list);
    if (it != schema.MemberEnd() && (!it->value.IsArray() || it->value.Empty())) {
      schema.EraseMember(list);
    }
  }

  // A list of item schemas (draft 4 tuples) is not a 3.0 `items`.
  if (auto it = schema.FindMember("items"); it != schema.MemberEnd() && !it->value.IsObject()) {
    it->name.SetString("x-items", a);
  }

  // Unknown keywords become extensions. Collected first: renaming while iterating would
  // invalidate the iterators.
  std::vector<std::string> unknown;
  for (auto& m : schema.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key.rfind("x-", 0) == 0) continue;
    if (key == "$ref") {
      if (!m.value.IsString() ||
          std::string_view(m.value.GetString()).rfind("#/components/", 0) != 0) {
        unknown.emplace_back(key);
      }
      continue;
    }
    if (!known_keywords().count(key)) unknown.emplace_back(key);
  }
  for (const auto& key : unknown) {
    const std::string renamed = "x-" + key;
    if (schema.HasMember(renamed.c_str())) {
      schema.EraseMember(key.c_str());  // the extension says it already
    } else {
      schema.FindMember(key.c_str())->name.SetString(renamed.c_str(), a);  // keeps the order
    }
  }

  if (auto it = schema.FindMember("properties"); it != schema.MemberEnd()) {
    if (it->value.IsObject()) {
      for (auto& p : it->value.GetObject()) adapt(p.value, a);
    }
  }
  for (const char* one : {"items", "additionalProperties", "not"}) {
    if (auto it = schema.FindMember(one); it != schema.MemberEnd()) adapt(it->value, a);
  }
  for (const char* many : {"allOf", "anyOf", "oneOf"}) {
    if (auto it = schema.FindMember(many); it != schema.MemberEnd()) adapt_each(it->value, a);
  }
}

}  // namespace

void adapt_schema(Value& schema, Allocator& allocator) {
  adapt(schema, allocator);
}

}  // namespace eventstreams::http::openapi
