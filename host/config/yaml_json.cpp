#include "config/yaml_json.h"

#include <cmath>
#include <cstdlib>

#include "services/json_text.h"

namespace eventstreams::config {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A plain scalar goes out as a JSON number only if it is one by RFC 8259's grammar
// (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) and finite: YAML reads ".5", "1.", "+1" or
// "0x1F" as numbers too, and strtod takes them, but they are not JSON (the fuzzer found ".0").
bool is_json_number(const std::string& s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (is_digit(s[i])) {
    while (i < n && is_digit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    const std::size_t first = ++i;
    while (i < n && is_digit(s[i])) ++i;
    if (i == first) return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t first = i;
    while (i < n && is_digit(s[i])) ++i;
    if (i == first) return false;
  }
  return i == n && std::isfinite(std::strtod(s.c_str(), nullptr));
}

void write(const YAML::Node& node, std::string& out) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out += "null";
      return;
    case YAML::NodeType::Sequence: {
      out += '[';
      bool first = true;
      for (const auto& item : node) {
        if (!first) out += ',';
        first = false;
        write(item, out);
      }
      out += ']';
      return;
    }
    case YAML::NodeType::Map: {
      out += '{';
      bool first = true;
      for (const auto& kv : node) {
        if (!first) out += ',';
        first = false;
        services::append_json_string(out, kv.first.Scalar());
        out += ':';
        write(kv.second, out);
      }
      out += '}';
      return;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      // A quoted scalar ("123") has tag "!"; keep it a string.
      if (node.Tag() != "!") {
        if (s == "true" || s == "True" || s == "TRUE") return void(out += "true");
        if (s == "false" || s == "False" || s == "FALSE") return void(out += "false");
        if (s == "~" || s == "null" || s == "Null" || s == "NULL") return void(out += "null");
        if (is_json_number(s)) {
          out += s;
          return;
        }
      }
      services::append_json_string(out, s);
      return;
    }
  }
}

}  // namespace

std::string yaml_to_json(const YAML::Node& node) {
  std::string out;
  write(node, out);
  return out;
}

YAML::Node deep_merge(const YAML::Node& base, const YAML::Node& overlay) {
  if (!base.IsMap() || !overlay.IsMap()) return YAML::Clone(overlay.IsDefined() ? overlay : base);
  YAML::Node result = YAML::Clone(base);
  for (const auto& kv : overlay) {
    const std::string key = kv.first.Scalar();
    if (result[key] && result[key].IsMap() && kv.second.IsMap()) {
      result[key] = deep_merge(result[key], kv.second);
    } else {
      result[key] = YAML::Clone(kv.second);
    }
  }
  return result;
}

}  // namespace eventstreams::config
