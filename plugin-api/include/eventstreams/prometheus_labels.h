// How a label set is written in the Prometheus text exposition format: the host renders the
// labels plugins pass (HostServices::counter / gauge) with this, and test doubles of the host
// do the same so tests see what /metrics would show.
//
// Header-only and standard library only.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "eventstreams/host_services.h"

namespace eventstreams::prometheus {

// Appends `value` escaped as a label value (without the quotes): backslash, double quote and
// line feed are the three characters the format escapes.
inline void append_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

// Appends `name` as a label name: [a-zA-Z_][a-zA-Z0-9_]*, any other character becoming '_'
// (an empty name becomes "_").
inline void append_label_name(std::string& out, std::string_view name) {
  if (name.empty()) {
    out.push_back('_');
    return;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    out.push_back(letter || (digit && i > 0) ? c : '_');
  }
}

// `name` as a metric name: [a-zA-Z_:][a-zA-Z0-9_:]*, any other character becoming '_'.
inline std::string metric_name(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    out.push_back(letter || (digit && i > 0) ? c : '_');
  }
  return out.empty() ? std::string("_") : out;
}

// `help` as the text of a # HELP line: backslash and line feed escaped.
inline std::string help_text(std::string_view help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The label text between the braces, e.g. `format="sse",stream="a\"b"`, sorted by name so that
// the same labels in another order name the same series. Empty for no labels.
inline std::string label_text(std::span<const Label> labels) {
  std::vector<const Label*> sorted;
  sorted.reserve(labels.size());
  for (const Label& l : labels) sorted.push_back(&l);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Label* a, const Label* b) { return a->name < b->name; });
  std::string out;
  for (const Label* l : sorted) {
    if (!out.empty()) out.push_back(',');
    append_label_name(out, l->name);
    out += "=\"";
    append_label_value(out, l->value);
    out.push_back('"');
  }
  return out;
}

}  // namespace eventstreams::prometheus
