#include "config/yaml_json.h"

#include <cmath>
#include <cstdlib>

#include "services/json_text.h"

namespace eventstreams::config {
namespace {

bool is_plain_number(const std::string& s, bool& integral) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  std::strtoll(s.c_str(), &end, 10);
  if (end && *end == '\0' && errno == 0) {
    integral = true;
    return true;
  }
  end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end && *end == '\0' && std::isfinite(d) && s.find_first_of("xXnN") == std::string::npos) {
    integral = false;
    return true;
  }
  return false;
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
        bool integral = false;
        if (is_plain_number(s, integral) && s.front() != '+' &&
            !(s.size() > 1 && s[0] == '0' && s[1] != '.')) {
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
