// A plugin's config keys as data (after Fluent Bit's config_map): name, type, default, help.
// The plugin's descriptor points at its table (EVENTSTREAMS_EXPORT_PLUGIN_WITH_CONFIG in
// abi.h); from it the host rejects unknown keys with the nearest known one and wrong types
// before the plugin's factory runs, and prints `eventstreams --help-plugin NAME`. In-tree
// plugins fill their settings from the same table (plugins/common: plugin_common/config_table.h),
// so the checks, the defaults and the help cannot drift apart.
//
//   constexpr ConfigKey kKeys[] = {
//       {"retry_ms", ConfigType::kUnsigned, nullptr, "reconnect delay sent to EventSource"},
//       {"heartbeat_comment", ConfigType::kString, R"("heartbeat")", "text of the comment"}};
//   constexpr ConfigTable kConfig = config_table(kKeys);
//
// Header-only and standard library only.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eventstreams {

enum class ConfigType : std::uint32_t {
  kBoolean = 1,
  kInteger,   // a JSON integer
  kUnsigned,  // a JSON integer >= 0
  kNumber,    // any JSON number
  kString,
  kStringList,  // a JSON array of strings
  kList,        // a JSON array, its elements checked by the plugin
  kMap,         // a JSON object (or null: YAML's empty value), its members checked by the plugin
};

struct ConfigKey {
  const char* name;
  ConfigType type;
  // The default as JSON text (e.g. "false", "10", R"("heartbeat")", "[]"), or null when
  // leaving the key out means "not set" (the help says what that does).
  const char* default_json;
  const char* help;
};

// A plugin's keys. `count` 0 with any `keys`: the plugin takes no settings.
struct ConfigTable {
  const ConfigKey* keys;
  std::uint32_t count;

  const ConfigKey* begin() const noexcept { return keys; }
  const ConfigKey* end() const noexcept { return keys + count; }
  const ConfigKey* find(std::string_view name) const noexcept {
    for (const ConfigKey& k : *this) {
      if (name == k.name) return &k;
    }
    return nullptr;
  }
};

// The table of an array of keys.
template <std::size_t N>
constexpr ConfigTable config_table(const ConfigKey (&keys)[N]) noexcept {
  return ConfigTable{keys, static_cast<std::uint32_t>(N)};
}

// How a type reads in messages and in --help-plugin: "boolean", "list of strings", ...
inline const char* config_type_name(ConfigType type) noexcept {
  switch (type) {
    case ConfigType::kBoolean:
      return "boolean";
    case ConfigType::kInteger:
      return "integer";
    case ConfigType::kUnsigned:
      return "non-negative integer";
    case ConfigType::kNumber:
      return "number";
    case ConfigType::kString:
      return "string";
    case ConfigType::kStringList:
      return "list of strings";
    case ConfigType::kList:
      return "list";
    case ConfigType::kMap:
      return "map";
  }
  return "value";
}

// The same with its article: "a boolean", "an integer", "a map".
inline std::string config_type_phrase(ConfigType type) {
  const std::string name = config_type_name(type);
  return (name[0] == 'i' ? "an " : "a ") + name;
}

// Levenshtein distance between `a` and `b` (both short: config key names).
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The index of the name in `names` nearest to `unknown` when it is near enough to be a likely
// typo (at most a third of its letters differ, at least 1 allowed), else -1. Ties go to the
// first. `name_of(element)` gives an element's name.
template <class Range, class NameOf>
inline std::ptrdiff_t nearest_name(const Range& names, std::string_view unknown, NameOf name_of) {
  std::ptrdiff_t best = -1, i = 0;
  std::size_t best_distance = std::max<std::size_t>(1, unknown.size() / 3) + 1;
  for (const auto& element : names) {
    const std::size_t d = edit_distance(unknown, name_of(element));
    if (d < best_distance) {
      best = i;
      best_distance = d;
    }
    ++i;
  }
  return best;
}

// The known key nearest to `unknown` by nearest_name's rule, else null.
inline const ConfigKey* nearest_config_key(const ConfigTable& table, std::string_view unknown) {
  const std::ptrdiff_t i =
      nearest_name(table, unknown, [](const ConfigKey& k) { return std::string_view(k.name); });
  return i < 0 ? nullptr : table.begin() + i;
}

// The known keys as "a, b, c" (or "none").
inline std::string config_key_list(const ConfigTable& table) {
  std::string out;
  for (const ConfigKey& k : table) {
    if (!out.empty()) out += ", ";
    out += k.name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace eventstreams
