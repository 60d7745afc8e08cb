// RapidJSON helpers the in-tree plugins share to check their config (PluginContext::config_json)
// and word what is wrong with it: a key is shown as a JSON string, a value by what it is
// ("a boolean", "an array", ...). Checking against a table of keys: config_table.h.
//
// Header-only; not part of the stable plugin API (plugin-api/ stays free of RapidJSON). Linked
// as the INTERFACE target es_plugin_common.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

#include "eventstreams/json_escape.h"

namespace eventstreams::plugin_common {

// `value` as compact JSON text.
inline std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The text of a string value (or of an object member's name).
inline std::string_view text_of(const rapidjson::Value& value) {
  return {value.GetString(), value.GetStringLength()};
}

// `s` as a JSON string, quotes and escapes included: how messages show keys and titles. The
// project's one escaper (eventstreams/json_escape.h), so invalid UTF-8 shows as \ufffd.
inline std::string quoted(std::string_view s) {
  return json::quote(s);
}

// How describe() words a number. Each plugin keeps the wording its messages always had.
enum class NumberWording {
  kKind,       // "a number"
  kValue,      // its JSON text, e.g. "-1"
  kTheNumber,  // "the number -1"
};

// What `value` is, for messages such as "... must be a boolean, got <describe(value)>":
// "null", "a boolean", "an object", "an array", "a string", or a number worded as asked.
inline std::string describe(const rapidjson::Value& value,
                            NumberWording numbers = NumberWording::kKind) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      switch (numbers) {
        case NumberWording::kKind:
          return "a number";
        case NumberWording::kValue:
          return json_text(value);
        case NumberWording::kTheNumber:
          return "the number " + json_text(value);
      }
      return "a number";
  }
  return "an unknown value";
}

// Parses a plugin's config text into `doc`. Blank text and `null` leave `doc` null: nothing is
// configured, the plugin's defaults apply. Returns false, with `error` set to `prefix` and
// "invalid JSON at offset <n>: <reason>" or "expected a JSON object, got <describe(doc)>",
// when the text is not JSON or not a JSON object; true otherwise (`doc` an object, or null).
inline bool parse_config_object(std::string_view text, std::string_view prefix,
                                NumberWording numbers, rapidjson::Document& doc,
                                std::string& error) {
  doc.SetNull();
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return true;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    error = std::string(prefix) + "invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) +
            ": " + rapidjson::GetParseError_En(doc.GetParseError());
    return false;
  }
  if (doc.IsNull() || doc.IsObject()) return true;
  error = std::string(prefix) + "expected a JSON object, got " + describe(doc, numbers);
  return false;
}

}  // namespace eventstreams::plugin_common
