// Configuration of the redaction plugin: which pages of which wikis, and which fields of their
// events to remove (SPEC 3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "eventstreams/config_keys.h"

namespace eventstreams::redaction {

// Hashes std::string and std::string_view alike, so that look-ups take a string_view.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Normalised titles (see title.h).
using TitleSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// A dotted path into an event, split into member names ("revision.editor").
using Path = std::vector<std::string>;

struct Rule {
  // meta.stream the rule is for; any stream when unset.
  std::optional<std::string> stream;
  // Where the page title may be; the rule applies when any of them holds a listed title.
  std::vector<Path> title_paths;
  // Members removed.
  std::vector<Path> remove;
  // Members whose value becomes {} (only where present).
  std::vector<Path> empty;
};

struct RedactionConfig {
  // meta.domain (exact) -> normalised titles.
  std::unordered_map<std::string, TitleSet, StringHash, std::equal_to<>> pages;
  // Tried in order; the first that applies to an event is the one applied.
  std::vector<Rule> rules;
  // Log lines about redactions per second, at most (0: none). Redactions are always counted.
  std::uint64_t max_log_lines_per_second = 10;

  std::size_t title_count() const noexcept;
};

// The Wikimedia rules of SPEC 3, used when the config has no `rules`:
//   1. stream mediawiki.page_change.v1, title page.page_title: performer -> {},
//      remove revision.editor and prior_state.revision.editor;
//   2. stream mediawiki.recentchange, title `title`: remove user;
//   3. any stream, title page_title or page.page_title: remove performer.
std::vector<Rule> default_rules();

// The plugin's config keys (exported in its descriptor; parse_config reads by them).
extern const ConfigTable kConfigTable;

// Parses the plugin configuration (a JSON object text; "", "null" and "{}" mean no pages).
// Returns nullopt and sets `error` (naming the offending key) on malformed JSON, unknown keys
// or values of the wrong type.
std::optional<RedactionConfig> parse_config(std::string_view config_json, std::string& error);

// "a.b.c" -> {"a","b","c"}; empty when the path or one of its names is empty.
Path split_path(std::string_view dotted);
std::string join_path(const Path& path);

}  // namespace eventstreams::redaction
