#include "filter_expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>
#include <utility>

namespace eventstreams::filter {
namespace {

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view t) noexcept {
  std::size_t i = 0;
  const std::size_t n = t.size();
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0') {
    ++i;
  } else if (t[i] >= '1' && t[i] <= '9') {
    while (i < n && is_digit(t[i])) ++i;
  } else {
    return false;
  }
  if (i < n && t[i] == '.') {
    const std::size_t start = ++i;
    while (i < n && is_digit(t[i])) ++i;
    if (i == start) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < n && is_digit(t[i])) ++i;
    if (i == start) return false;
  }
  return i == n;
}

bool is_name_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '.' ||
         c == '$' || c == '-';
}

// A character for an error message: itself when printable ASCII, else \xNN.
std::string show_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string(1, c);
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string{'\\', 'x', kHex[u >> 4], kHex[u & 15]};
}

// Text quoted for an error message, cut at 100 bytes.
std::string show_text(std::string_view text) {
  std::string out = "\"";
  const std::size_t limit = 100;
  for (std::size_t i = 0; i < text.size() && i < limit; ++i) {
    const char c = text[i];
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += show_char(c);
    } else {
      out += c;
    }
  }
  if (text.size() > limit) out += "...";
  out += '"';
  return out;
}

void append_escaped(std::string& out, std::string_view literal) {
  for (const char c : literal) {
    if (c == '\\' || c == '"' || c == '*' || c == '|') out += '\\';
    out += c;
  }
}

// A string value from its literal parts (split at the wildcards).
FilterValue string_value(std::vector<std::string> parts) {
  FilterValue v;
  // Consecutive wildcards mean the same as one: drop empty middle parts.
  if (parts.size() > 2) {
    std::vector<std::string> kept;
    kept.push_back(std::move(parts.front()));
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
      if (!parts[i].empty()) kept.push_back(std::move(parts[i]));
    }
    kept.push_back(std::move(parts.back()));
    parts = std::move(kept);
  }
  v.canonical = "\"";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) v.canonical += '*';
    append_escaped(v.canonical, parts[i]);
  }
  v.canonical += '"';
  if (parts.size() == 1) {
    v.kind = FilterValue::Kind::kString;
    v.string = std::move(parts.front());
  } else {
    v.kind = FilterValue::Kind::kPattern;
    v.pattern.parts = std::move(parts);
  }
  return v;
}

// One unquoted value: keyword, number, or string (with wildcards).
std::optional<FilterValue> bare_value(std::string_view token, std::string& error) {
  if (token.find('"') != std::string_view::npos) {
    error = "value " + show_text(token) +
            " contains a double quote: quote the whole value, escaping inner quotes as \\\"";
    return std::nullopt;
  }
  FilterValue v;
  if (token == "null") {
    v.kind = FilterValue::Kind::kNull;
    v.canonical = "null";
    return v;
  }
  if (token == "true" || token == "false") {
    v.kind = FilterValue::Kind::kBool;
    v.boolean = token == "true";
    v.canonical = std::string(token);
    return v;
  }
  if (is_json_number(token)) {
    const auto n = Number::parse(token);
    if (!n) {
      error = "number " + show_text(token) + " is out of range";
      return std::nullopt;
    }
    v.kind = FilterValue::Kind::kNumber;
    v.number = *n;
    v.canonical = n->canonical();
    return v;
  }
  std::vector<std::string> parts(1);
  for (const char c : token) {
    if (c == '*') {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return string_value(std::move(parts));
}

}  // namespace

const std::set<std::string, std::less<>>& default_reserved_names() {
  static const std::set<std::string, std::less<>> names{"since", "lastEventId", "_"};
  return names;
}

std::optional<Number> Number::parse(std::string_view text) {
  if (!is_json_number(text)) return std::nullopt;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  Number n;
  {
    std::int64_t i = 0;
    const auto [ptr, ec] = std::from_chars(begin, end, i);
    if (ec == std::errc() && ptr == end) {
      n.is_int = true;
      n.i = i;
      n.d = static_cast<double>(i);
      return n;
    }
  }
  double d = 0;
  const auto [ptr, ec] = std::from_chars(begin, end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return std::nullopt;
  // Integral values within int64 compare exactly as integers: 100.0 and 1e2 are 100.
  if (d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
    n.is_int = true;
    n.i = static_cast<std::int64_t>(d);
    n.d = d;
  } else {
    n.is_int = false;
    n.d = d;
  }
  return n;
}

bool Number::operator==(const Number& other) const noexcept {
  if (is_int && other.is_int) return i == other.i;
  return d == other.d;
}

std::string Number::canonical() const {
  if (is_int) return std::to_string(i);
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  if (ec != std::errc()) return std::to_string(d);
  return std::string(buf, ptr);
}

bool Pattern::matches(std::string_view s) const noexcept {
  const std::string& first = parts.front();
  const std::string& last = parts.back();
  if (s.size() < first.size() + last.size()) return false;
  if (s.substr(0, first.size()) != first) return false;
  if (s.substr(s.size() - last.size()) != last) return false;
  std::string_view middle = s.substr(first.size(), s.size() - first.size() - last.size());
  // Leftmost match of each middle part in turn: with `*` as the only operator, the leftmost
  // choice never rules out a match that a later one would allow.
  for (std::size_t k = 1; k + 1 < parts.size(); ++k) {
    const std::size_t at = middle.find(parts[k]);
    if (at == std::string_view::npos) return false;
    middle.remove_prefix(at + parts[k].size());
  }
  return true;
}

bool Clause::any_equal(const FieldValue& field) const noexcept {
  switch (field.kind) {
    case FieldValue::Kind::kNull:
      return accepts_null;
    case FieldValue::Kind::kBool:
      return field.boolean ? accepts_true : accepts_false;
    case FieldValue::Kind::kNumber:
      return std::any_of(numbers.begin(), numbers.end(),
                         [&](const Number& n) { return n == field.number; });
    case FieldValue::Kind::kString: {
      const auto it =
          std::lower_bound(strings.begin(), strings.end(), field.string,
                           [](const std::string& a, std::string_view b) { return a < b; });
      if (it != strings.end() && *it == field.string) return true;
      return std::any_of(patterns.begin(), patterns.end(),
                         [&](const Pattern& p) { return p.matches(field.string); });
    }
    case FieldValue::Kind::kMissing:
    case FieldValue::Kind::kComposite:
      return false;
  }
  return false;
}

bool Clause::matches(const FieldValue& field) const noexcept {
  if (field.kind == FieldValue::Kind::kMissing) return negated;
  return any_equal(field) != negated;
}

std::string Filter::canonical_key() const {
  std::string key;
  for (const Clause& c : clauses) {
    if (!key.empty()) key += '&';
    key += c.canonical;
  }
  return key;
}

std::optional<std::vector<FilterValue>> parse_values(std::string_view raw, std::string& error) {
  if (raw.empty()) {
    error = "empty value list: give at least one value (name=value or name=v1,v2)";
    return std::nullopt;
  }
  std::vector<FilterValue> values;
  std::size_t pos = 0;
  const std::size_t n = raw.size();
  for (;;) {
    if (pos < n && raw[pos] == '"') {
      const std::size_t open = pos++;
      std::vector<std::string> parts(1);
      bool closed = false;
      while (pos < n) {
        const char c = raw[pos];
        if (c == '\\') {
          if (pos + 1 >= n) break;  // a lone backslash at the end cannot close the quote
          parts.back() += raw[pos + 1];
          pos += 2;
        } else if (c == '"') {
          closed = true;
          ++pos;
          break;
        } else if (c == '*') {
          parts.emplace_back();
          ++pos;
        } else {
          parts.back() += c;
          ++pos;
        }
      }
      if (!closed) {
        error = "unterminated quote in value " + show_text(raw.substr(open));
        return std::nullopt;
      }
      if (pos < n && raw[pos] != ',') {
        error = "unexpected " + show_text(raw.substr(pos, 1)) +
                " after the closing quote of value " + show_text(raw.substr(open, pos - open)) +
                " (values are separated by commas)";
        return std::nullopt;
      }
      values.push_back(string_value(std::move(parts)));
    } else {
      const std::size_t comma = raw.find(',', pos);
      const std::size_t end = comma == std::string_view::npos ? n : comma;
      const std::string_view token = raw.substr(pos, end - pos);
      if (token.empty()) {
        error = "empty value in list " + show_text(raw) + " (write \"\" for the empty string)";
        return std::nullopt;
      }
      auto v = bare_value(token, error);
      if (!v) return std::nullopt;
      values.push_back(std::move(*v));
      pos = end;
    }
    if (pos >= n) break;
    ++pos;  // the comma
    if (pos >= n) {
      error =
          "empty value at the end of list " + show_text(raw) + " (write \"\" for the empty string)";
      return std::nullopt;
    }
  }
  return values;
}

bool check_name(std::string_view name, std::string& error) {
  std::string_view path = name;
  if (!path.empty() && path.back() == '!') path.remove_suffix(1);
  if (path.empty()) {
    error = "empty parameter name: a filter is a dotted field path, e.g. meta.domain=...";
    return false;
  }
  for (const char c : path) {
    if (!is_name_char(c)) {
      error = "character '" + show_char(c) +
              "' is not allowed in a filter name (letters, digits, _ . $ - and a trailing ! "
              "for negation)";
      return false;
    }
  }
  std::size_t segments = 0;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = path.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? path.size() : dot;
    if (end == start) {
      error = "empty path segment (a leading, trailing or doubled '.')";
      return false;
    }
    ++segments;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (segments > kMaxPathSegments) {
    error = "path deeper than " + std::to_string(kMaxPathSegments) + " segments";
    return false;
  }
  return true;
}

Clause make_clause(std::string_view name, std::vector<FilterValue> values) {
  Clause c;
  c.negated = !name.empty() && name.back() == '!';
  c.path = std::string(c.negated ? name.substr(0, name.size() - 1) : name);
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = c.path.find('.', start);
    c.segments.push_back(c.path.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::sort(values.begin(), values.end(),
            [](const FilterValue& a, const FilterValue& b) { return a.canonical < b.canonical; });
  values.erase(std::unique(values.begin(), values.end(),
                           [](const FilterValue& a, const FilterValue& b) {
                             return a.canonical == b.canonical;
                           }),
               values.end());
  c.canonical = c.path + (c.negated ? "!=" : "=");
  for (std::size_t i = 0; i < values.size(); ++i) {
    FilterValue& v = values[i];
    if (i > 0) c.canonical += ',';
    c.canonical += v.canonical;
    switch (v.kind) {
      case FilterValue::Kind::kNull:
        c.accepts_null = true;
        break;
      case FilterValue::Kind::kBool:
        (v.boolean ? c.accepts_true : c.accepts_false) = true;
        break;
      case FilterValue::Kind::kNumber:
        c.numbers.push_back(v.number);
        break;
      case FilterValue::Kind::kString:
        c.strings.push_back(std::move(v.string));
        break;
      case FilterValue::Kind::kPattern:
        c.patterns.push_back(std::move(v.pattern));
        break;
    }
  }
  std::sort(c.strings.begin(), c.strings.end());
  return c;
}

std::optional<Filter> parse_filter(const std::multimap<std::string, std::string>& query,
                                   const std::set<std::string, std::less<>>& reserved,
                                   std::string& error) {
  Filter filter;
  std::size_t value_count = 0;
  for (const auto& [name, raw] : query) {
    if (reserved.count(name)) continue;
    const std::string prefix = "filter parameter " + show_text(name) + ": ";
    if (!name.empty() && name.back() == '!' &&
        reserved.count(std::string_view(name).substr(0, name.size() - 1))) {
      error = prefix + show_text(name.substr(0, name.size() - 1)) +
              " is a reserved parameter, not a filter field, and cannot be negated";
      return std::nullopt;
    }
    std::string detail;
    if (!check_name(name, detail)) {
      error = prefix + detail;
      return std::nullopt;
    }
    auto values = parse_values(raw, detail);
    if (!values) {
      error = prefix + detail;
      return std::nullopt;
    }
    value_count += values->size();
    if (value_count > kMaxValues) {
      error = "too many filter values: at most " + std::to_string(kMaxValues) + " in all";
      return std::nullopt;
    }
    filter.clauses.push_back(make_clause(name, std::move(*values)));
  }
  std::sort(filter.clauses.begin(), filter.clauses.end(),
            [](const Clause& a, const Clause& b) { return a.canonical < b.canonical; });
  filter.clauses.erase(
      std::unique(filter.clauses.begin(), filter.clauses.end(),
                  [](const Clause& a, const Clause& b) { return a.canonical == b.canonical; }),
      filter.clauses.end());
  if (filter.clauses.size() > kMaxClauses) {
    error = "too many filter parameters: at most " + std::to_string(kMaxClauses);
    return std::nullopt;
  }
  return filter;
}

}  // namespace eventstreams::filter
