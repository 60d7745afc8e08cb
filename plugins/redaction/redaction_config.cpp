#include "redaction_config.h"

#include <algorithm>

#include "plugin_common/config_table.h"
#include "title.h"

namespace eventstreams::redaction {

constexpr ConfigKey kConfigKeys[] = {
    {"mediawiki_redacted_pages", ConfigType::kMap, "{}",
     "map of meta.domain to the list of page titles whose events are redacted"},
    {"rules", ConfigType::kList, nullptr,
     "which fields to redact in which stream: a list of {stream, title_paths, remove, empty}; "
     "unset: Wikimedia's rules (README.md)"},
    {"max_log_lines_per_second", ConfigType::kUnsigned, "10",
     "log lines about redactions per second (all are counted in metrics)"},
};
const ConfigTable kConfigTable = config_table(kConfigKeys);

namespace {

constexpr std::string_view kErrorPrefix = "redaction config: ";

// The keys of one entry of `rules` (checked by parse_rule; in this table for the messages).
constexpr ConfigKey kRuleKeys[] = {
    {"stream", ConfigType::kString, nullptr, "meta.stream the rule applies to; unset: any"},
    {"title_paths", ConfigType::kStringList, nullptr, "dotted paths to the page title"},
    {"remove", ConfigType::kStringList, "[]", "dotted paths of fields to remove"},
    {"empty", ConfigType::kStringList, "[]", "dotted paths of fields to replace with {}"},
};
constexpr ConfigTable kRuleTable = config_table(kRuleKeys);

using plugin_common::NumberWording;
using plugin_common::quoted;
using plugin_common::text_of;
using Value = rapidjson::Value;

// Config errors name a number's value: "got the number -1".
constexpr NumberWording kNumbers = NumberWording::kTheNumber;

std::string describe(const Value& value) {
  return plugin_common::describe(value, kNumbers);
}

// Thrown inside this file only, caught by parse_config.
struct ConfigFault {
  std::string message;
};

[[noreturn]] void fail(const std::string& message) {
  throw ConfigFault{message};
}

Path parse_path(const Value& v, const std::string& where) {
  if (!v.IsString()) fail(where + " must be a dotted path string, got " + describe(v));
  Path path = split_path(text_of(v));
  if (path.empty()) {
    fail(where + " must be a dotted path of non-empty names, got " + quoted(text_of(v)));
  }
  return path;
}

std::vector<Path> parse_paths(const Value& v, const std::string& where, bool required) {
  if (!v.IsArray()) fail(where + " must be a list of dotted paths, got " + describe(v));
  if (required && v.Empty()) fail(where + " must not be empty");
  std::vector<Path> out;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    out.push_back(parse_path(v[i], where + "[" + std::to_string(i) + "]"));
  }
  return out;
}

Rule parse_rule(const Value& v, const std::string& where) {
  if (!v.IsObject()) fail(where + " must be an object, got " + describe(v));
  Rule rule;
  bool has_titles = false;
  const auto members = v.MemberBegin();
  for (rapidjson::SizeType i = 0; i < v.MemberCount(); ++i) {
    const std::string_view key = text_of(members[i].name);
    const Value& value = members[i].value;
    const std::string here = where + "." + std::string(key);
    if (key == "stream") {
      if (!value.IsString() || value.GetStringLength() == 0) {
        fail(here + " must be a non-empty string, got " + describe(value));
      }
      rule.stream = std::string(text_of(value));
    } else if (key == "title_paths") {
      rule.title_paths = parse_paths(value, here, true);
      has_titles = true;
    } else if (key == "remove") {
      rule.remove = parse_paths(value, here, false);
    } else if (key == "empty") {
      rule.empty = parse_paths(value, here, false);
    } else {
      fail(where + ": " + plugin_common::unknown_config_key(key, kRuleTable));
    }
  }
  if (!has_titles) fail(where + ".title_paths is required");
  if (rule.remove.empty() && rule.empty.empty()) {
    fail(where + " has nothing to do: give \"remove\" or \"empty\" paths");
  }
  for (const Path& p : rule.empty) {
    if (std::find(rule.remove.begin(), rule.remove.end(), p) != rule.remove.end()) {
      fail(where + ": path " + quoted(join_path(p)) + " is in both \"remove\" and \"empty\"");
    }
  }
  return rule;
}

// A title list entry as text. YAML scalars such as `false` or `404` arrive as JSON booleans and
// numbers; they name the pages "false" and "404". Numbers keep their text as written
// (`raw` is the same entry parsed with numbers as strings), so `1.50` stays "1.50".
std::string title_text(const Value& v, const Value& raw, const std::string& where) {
  if (v.IsString()) return std::string(text_of(v));
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsNumber() && raw.IsString()) return std::string(text_of(raw));
  fail(where + " must be a page title (string, number or boolean), got " + describe(v) +
       (v.IsNull() ? " (quote a page called \"null\")" : ""));
}

// `v` is a map or null (checked against the table); `raw` the same with numbers as text.
void parse_pages(const Value& v, const Value& raw, RedactionConfig& config) {
  const std::string where = "mediawiki_redacted_pages";
  if (v.IsNull()) return;
  std::string normalised;
  const auto members = v.MemberBegin();
  const auto raw_members = raw.MemberBegin();
  for (rapidjson::SizeType i = 0; i < v.MemberCount(); ++i) {
    const std::string_view domain = text_of(members[i].name);
    const Value& list = members[i].value;
    const Value& raw_list = raw_members[i].value;
    const std::string here = where + "[" + quoted(domain) + "]";
    if (domain.empty()) fail(where + ": the domain must not be empty");
    if (!list.IsArray()) fail(here + " must be a list of page titles, got " + describe(list));
    TitleSet& titles = config.pages[std::string(domain)];
    titles.reserve(titles.size() + list.Size());
    for (rapidjson::SizeType k = 0; k < list.Size(); ++k) {
      const std::string entry = here + "[" + std::to_string(k) + "]";
      const std::string title = title_text(list[k], raw_list[k], entry);
      normalize_title(title, normalised);
      if (normalised.empty()) fail(entry + " is an empty title (" + quoted(title) + ")");
      titles.insert(normalised);
    }
  }
}

}  // namespace

std::size_t RedactionConfig::title_count() const noexcept {
  std::size_t n = 0;
  for (const auto& [domain, titles] : pages) n += titles.size();
  return n;
}

Path split_path(std::string_view dotted) {
  Path path;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = dotted.find('.', start);
    const std::string_view name =
        dotted.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (name.empty()) return {};
    path.emplace_back(name);
    if (dot == std::string_view::npos) return path;
    start = dot + 1;
  }
}

std::string join_path(const Path& path) {
  std::string out;
  for (const auto& name : path) {
    if (!out.empty()) out.push_back('.');
    out += name;
  }
  return out;
}

std::vector<Rule> default_rules() {
  std::vector<Rule> rules(3);
  rules[0].stream = "mediawiki.page_change.v1";
  rules[0].title_paths = {{"page", "page_title"}};
  rules[0].empty = {{"performer"}};
  rules[0].remove = {{"revision", "editor"}, {"prior_state", "revision", "editor"}};
  rules[1].stream = "mediawiki.recentchange";
  rules[1].title_paths = {{"title"}};
  rules[1].remove = {{"user"}};
  rules[2].title_paths = {{"page_title"}, {"page", "page_title"}};
  rules[2].remove = {{"performer"}};
  return rules;
}

std::optional<RedactionConfig> parse_config(std::string_view config_json, std::string& error) {
  try {
    RedactionConfig config;
    config.rules = default_rules();
    plugin_common::ConfigValues values;
    if (!plugin_common::load_config(config_json, kConfigTable, kErrorPrefix, kNumbers, values,
                                    error)) {
      return std::nullopt;
    }
    config.max_log_lines_per_second = values.get("max_log_lines_per_second").GetUint64();
    if (const Value& rules = values.get("rules"); !rules.IsNull()) {
      if (rules.Empty()) fail("rules must not be empty (leave it out for the default rules)");
      config.rules.clear();
      for (rapidjson::SizeType r = 0; r < rules.Size(); ++r) {
        config.rules.push_back(parse_rule(rules[r], "rules[" + std::to_string(r) + "]"));
      }
    }
    if (values.is_set("mediawiki_redacted_pages")) {
      // The same text with numbers kept as their text, for titles such as 404 or 1.50.
      rapidjson::Document raw;
      raw.Parse<rapidjson::kParseNumbersAsStringsFlag>(config_json.data(), config_json.size());
      parse_pages(values.get("mediawiki_redacted_pages"), raw["mediawiki_redacted_pages"], config);
    }
    return config;
  } catch (const ConfigFault& f) {
    error = std::string(kErrorPrefix) + f.message;
  } catch (const std::exception& e) {
    error = std::string(kErrorPrefix) + e.what();
  }
  return std::nullopt;
}

}  // namespace eventstreams::redaction
