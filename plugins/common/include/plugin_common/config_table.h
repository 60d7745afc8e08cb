// Checks a plugin's config against its table of keys (eventstreams/config_keys.h) and gives
// the values, the table's defaults filling in what the config leaves out. The host runs the
// same check before a plugin's factory (host/plugin-loader), so a message reads the same
// whether the server or a plugin's own test found the mistake.
//
//   ConfigValues values;
//   if (!load_config(context.config_json, kTable, "sse encoder config: ", kNumbers, values,
//                    error)) return nullptr;
//   const bool drop = values.get("drop_canary").GetBool();
//
// Header-only (RapidJSON); not part of the stable plugin API.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "eventstreams/config_keys.h"
#include "plugin_common/config_json.h"

namespace eventstreams::plugin_common {

// Whether `value` has the table type `type`. A map may also be null: YAML's empty value
// (`key:` with nothing under it) is an empty map.
inline bool has_config_type(const rapidjson::Value& value, ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean:
      return value.IsBool();
    case ConfigType::kInteger:
      return value.IsInt64();
    case ConfigType::kUnsigned:
      return value.IsUint64();
    case ConfigType::kNumber:
      return value.IsNumber();
    case ConfigType::kString:
      return value.IsString();
    case ConfigType::kStringList:
      if (!value.IsArray()) return false;
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        if (!value[i].IsString()) return false;
      }
      return true;
    case ConfigType::kList:
      return value.IsArray();
    case ConfigType::kMap:
      return value.IsObject() || value.IsNull();
  }
  return false;
}

// "unknown key "retry_msec" (did you mean "retry_ms"?)", or with the known keys listed when
// none is near.
inline std::string unknown_config_key(std::string_view key, const ConfigTable& table) {
  if (table.count == 0) return "unknown key " + quoted(key) + " (this plugin takes no settings)";
  if (const ConfigKey* near = nearest_config_key(table, key)) {
    return "unknown key " + quoted(key) + " (did you mean " + quoted(near->name) + "?)";
  }
  return "unknown key " + quoted(key) + " (known keys: " + config_key_list(table) + ")";
}

// Checks every member of `doc` (an object; null is an empty config) against `table`. Returns
// "" or what is wrong, without prefix: the first unknown key or value of the wrong type.
inline std::string check_config(const rapidjson::Value& doc, const ConfigTable& table,
                                NumberWording numbers) {
  if (!doc.IsObject()) return {};
  // Indexed rather than a range-for: RapidJSON 1.1's iterator comparison is ambiguous in C++20
  // (clang -Wambiguous-reversed-operator).
  const auto members = doc.MemberBegin();
  for (rapidjson::SizeType i = 0; i < doc.MemberCount(); ++i) {
    const std::string_view key = text_of(members[i].name);
    const ConfigKey* k = table.find(key);
    if (k == nullptr) return unknown_config_key(key, table);
    const rapidjson::Value& value = members[i].value;
    if (k->type == ConfigType::kStringList && value.IsArray()) {
      for (rapidjson::SizeType e = 0; e < value.Size(); ++e) {
        if (!value[e].IsString()) {
          return quoted(key) + "[" + std::to_string(e) + "] must be a string, got " +
                 describe(value[e], numbers);
        }
      }
    }
    if (!has_config_type(value, k->type)) {
      return quoted(key) + " must be " + config_type_phrase(k->type) + ", got " +
             describe(value, numbers);
    }
  }
  return {};
}

class ConfigValues;
inline bool load_config(std::string_view text, const ConfigTable& table, std::string_view prefix,
                        NumberWording numbers, ConfigValues& values, std::string& error);

// A checked config: the value of each key of the table, from the config or its default.
class ConfigValues {
 public:
  // The config's value of `key`, else the table's default, else null (the key is not set; a
  // null value, which only a map may have, counts as not set).
  // `key` must be in the table: asking for another is a bug in the plugin (std::logic_error).
  const rapidjson::Value& get(std::string_view key) const {
    if (table_ == nullptr || table_->find(key) == nullptr) {
      throw std::logic_error("config key " + std::string(key) + " is not in the plugin's table");
    }
    // Through const references: RapidJSON 1.1's mixed const / non-const iterator comparisons
    // are ambiguous in C++20.
    const rapidjson::Value& doc = *doc_;
    const rapidjson::Value& defaults = *defaults_;
    const rapidjson::Value name(rapidjson::StringRef(key.data(), key.size()));
    if (doc.IsObject()) {
      if (auto it = doc.FindMember(name); it != doc.MemberEnd() && !it->value.IsNull()) {
        return it->value;
      }
    }
    if (auto it = defaults.FindMember(name); it != defaults.MemberEnd()) return it->value;
    return null_;
  }
  // Whether the config itself sets `key`.
  bool is_set(std::string_view key) const {
    return doc_->IsObject() && doc_->HasMember(rapidjson::StringRef(key.data(), key.size()));
  }
  // The whole config document (null when empty), for plugins that read further into it.
  const rapidjson::Document& document() const { return *doc_; }

 private:
  friend bool load_config(std::string_view, const ConfigTable&, std::string_view, NumberWording,
                          ConfigValues&, std::string&);
  const ConfigTable* table_ = nullptr;
  std::shared_ptr<rapidjson::Document> doc_ = std::make_shared<rapidjson::Document>();
  std::shared_ptr<rapidjson::Document> defaults_ = std::make_shared<rapidjson::Document>();
  rapidjson::Value null_;
};

// Parses `text` (blank or `null`: nothing set), checks it against `table` and fills `values`.
// Returns false with `error` = `prefix` + what is wrong.
inline bool load_config(std::string_view text, const ConfigTable& table, std::string_view prefix,
                        NumberWording numbers, ConfigValues& values, std::string& error) {
  values.table_ = &table;
  if (!parse_config_object(text, prefix, numbers, *values.doc_, error)) return false;
  if (std::string problem = check_config(*values.doc_, table, numbers); !problem.empty()) {
    error = std::string(prefix) + problem;
    return false;
  }
  values.defaults_->SetObject();
  auto& alloc = values.defaults_->GetAllocator();
  for (const ConfigKey& k : table) {
    if (k.default_json == nullptr) continue;
    rapidjson::Document d(&alloc);
    d.Parse(k.default_json);
    if (d.HasParseError() || !has_config_type(d, k.type)) {
      throw std::logic_error(std::string("config key ") + k.name + ": bad default " +
                             k.default_json);
    }
    values.defaults_->AddMember(rapidjson::StringRef(k.name), rapidjson::Value(d, alloc), alloc);
  }
  return true;
}

}  // namespace eventstreams::plugin_common
