#include "http/openapi/schema_adapter.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "http/openapi/json_members.h"

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

// Renames member `from` in place (its position stays, so the schema reads in the same order).
void rename(Value& schema, const char* from, const char* to, Allocator& a) {
  for_each_member(schema, [&](auto& m) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == from) {
      m.name.SetString(to, a);
    }
  });
}

void adapt_type(Value& schema, Allocator& a) {
  Value* type = find_member(schema, "type");
  if (!type || !type->IsArray()) return;
  std::vector<std::string> types;
  bool nullable = false;
  for (const auto& t : type->GetArray()) {
    if (!t.IsString()) continue;
    if (std::string_view(t.GetString()) == "null") {
      nullable = true;
    } else {
      types.emplace_back(t.GetString(), t.GetStringLength());
    }
  }
  if (types.size() == 1) {
    type->SetString(types[0].c_str(), static_cast<rapidjson::SizeType>(types[0].size()), a);
    if (nullable) schema.AddMember("nullable", true, a);
    return;
  }
  rename(schema, "type", "x-type", a);  // any type: kept for a reader
  if (nullable) schema.AddMember("nullable", true, a);
}

// draft 6+: exclusiveMinimum: 5  ->  3.0: minimum: 5, exclusiveMinimum: true
void adapt_exclusive(Value& schema, const char* exclusive, const char* bound, Allocator& a) {
  Value* value = find_member(schema, exclusive);
  if (!value || !value->IsNumber()) return;
  Value limit(*value, a);
  value->SetBool(true);
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
  if (Value* constant = find_member(schema, "const")) {
    Value values(rapidjson::kArrayType);
    values.PushBack(Value(*constant, a), a);
    schema.EraseMember("const");
    if (!schema.HasMember("enum")) schema.AddMember("enum", values, a);
  }
  adapt_type(schema, a);
  adapt_exclusive(schema, "exclusiveMinimum", "minimum", a);
  adapt_exclusive(schema, "exclusiveMaximum", "maximum", a);
  for (const char* list : {"required", "enum"}) {
    const Value* value = find_member(schema, list);
    if (value && (!value->IsArray() || value->Empty())) {
      schema.EraseMember(list);
    }
  }

  // A list of item schemas (draft 4 tuples) is not a 3.0 `items`.
  if (const Value* items = find_member(schema, "items"); items && !items->IsObject()) {
    rename(schema, "items", "x-items", a);
  }

  // Unknown keywords become extensions. Collected first: renaming while iterating would
  // invalidate the iterators.
  std::vector<std::string> unknown;
  for_each_member(schema, [&](auto& m) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key.rfind("x-", 0) == 0) return;
    if (key == "$ref") {
      if (!m.value.IsString() ||
          std::string_view(m.value.GetString()).rfind("#/components/", 0) != 0) {
        unknown.emplace_back(key);
      }
      return;
    }
    if (!known_keywords().count(key)) unknown.emplace_back(key);
  });
  for (const auto& key : unknown) {
    const std::string renamed = "x-" + key;
    if (schema.HasMember(renamed.c_str())) {
      schema.EraseMember(key.c_str());  // the extension says it already
    } else {
      rename(schema, key.c_str(), renamed.c_str(), a);
    }
  }

  if (Value* properties = find_member(schema, "properties")) {
    for_each_member(*properties, [&](auto& p) { adapt(p.value, a); });
  }
  for (const char* one : {"items", "additionalProperties", "not"}) {
    if (Value* sub = find_member(schema, one)) adapt(*sub, a);
  }
  for (const char* many : {"allOf", "anyOf", "oneOf"}) {
    if (Value* list = find_member(schema, many)) adapt_each(*list, a);
  }
}

}  // namespace

void adapt_schema(Value& schema, Allocator& allocator) {
  adapt(schema, allocator);
}

}  // namespace eventstreams::http::openapi
